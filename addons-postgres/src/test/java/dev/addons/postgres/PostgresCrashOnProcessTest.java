package dev.addons.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.testkit.CrashScenarios;
import dev.addons.testkit.RuntimeUnderTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Every crash scenario for PostgreSQL 15 on the process runtime, core's own points among them
 * (PostgreSQL is the engine they run with); a restore is killed once pg_restore has loaded the
 * scratch database too, before the swap.
 */
class PostgresCrashOnProcessTest extends CrashScenarios {
    PostgresCrashOnProcessTest() {
        super(new PostgresUnderTest(), RuntimeUnderTest.process(), Scenario.CREATE, Scenario.CORE, Scenario.BACKUP,
                Scenario.RESTORE, Scenario.STOP_START, Scenario.UP, Scenario.MIGRATE, Scenario.DESTROY);
    }

    @Override
    protected List<String> restorePoints() {
        return List.of("tools.after.pg_restore", "restore.swapped");
    }

    /** No scratch or old database of a restore or a move: pg_database, as a tenant sees it. */
    @Override
    protected void assertNoScratchLeft(Map<String, String> vars) throws Exception {
        Properties props = new Properties();
        props.setProperty("user", vars.get("PGUSER"));
        props.setProperty("password", vars.get("PGPASSWORD"));
        List<String> names = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + vars.get("PGHOST") + ":"
                + vars.get("PGPORT") + "/" + vars.get("PGDATABASE"), props);
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select datname from pg_database")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        assertThat(names).as("databases of " + vars.get("PGHOST") + ":" + vars.get("PGPORT")).noneMatch(d -> d.startsWith("addons-"));
    }
}
