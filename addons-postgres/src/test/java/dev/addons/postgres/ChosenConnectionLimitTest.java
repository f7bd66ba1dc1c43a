package dev.addons.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.InvalidSpecException;
import dev.addons.core.Addons;
import dev.addons.core.AppFile;
import dev.addons.testkit.ServerProcesses;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * An app's {@code connections} on a shared PostgreSQL 15 server (Debian's, on the process
 * runtime), through the whole SDK: its role's {@code CONNECTION LIMIT} is what the app file says,
 * the next session is refused by PostgreSQL while another app of the server still connects, and a
 * deploy with another value changes the live role's limit, the tenant and its sessions kept.
 * Connections are made with pgjdbc from the app's injected variables alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChosenConnectionLimitTest {
    private static final String ENV = "production";
    /** PostgreSQL's too_many_connections. */
    private static final String TOO_MANY_CONNECTIONS = "53300";

    @TempDir
    static Path home;

    Addons addons;

    @BeforeAll
    void open() {
        addons = Addons.builder().home(home).runtime("process").automaticBackups(false).build();
    }

    @AfterAll
    void destroyEverything() throws Exception {
        if (addons != null) {
            for (AddonRecord record : addons.listAll()) {
                addons.app(record.app(), record.environment()).destroy(record.addon());
            }
            addons.close();
        }
        assertThat(ServerProcesses.under(home)).as("processes left under " + home).isEmpty();
    }

    @Test
    void anAppOfConnectionsTwoOpensTwoTheThirdIsRefusedAnotherAppConnectsAndADeployChangesTheLiveLimit()
            throws SQLException {
        addons.deploy(file("greedy", "connections = 2\n"), ENV);
        addons.deploy(file("other", ""), ENV);
        Map<String, String> greedy = addons.app("greedy", ENV).env().toMap();
        Map<String, String> other = addons.app("other", ENV).env().toMap();
        assertThat(greedy.get("PGPORT")).as("one shared server").isEqualTo(other.get("PGPORT"));
        assertThat(addons.app("greedy", ENV).connectionLimit("postgresql")).isEqualTo(OptionalInt.of(2));
        assertThat(addons.app("other", ENV).connectionLimit("postgresql"))
                .isEqualTo(OptionalInt.of(AddonSpec.DEFAULT_CONNECTIONS));

        List<Connection> open = new ArrayList<>();
        try {
            open.add(connect(greedy));
            open.add(connect(greedy));

            assertRefused(greedy);
            assertThat(currentUser(other)).isEqualTo("other");

            addons.deploy(file("greedy", "connections = 3\n"), ENV);

            assertThat(addons.app("greedy", ENV).env().toMap()).as("the same tenant, its password kept")
                    .isEqualTo(greedy);
            assertThat(addons.app("greedy", ENV).connectionLimit("postgresql")).isEqualTo(OptionalInt.of(3));
            open.add(connect(greedy));
            assertRefused(greedy);

            addons.deploy(file("greedy", "connections = 1\n"), ENV);

            for (Connection connection : open) {
                assertThat(connection.isValid(5)).as("a session open before the change stays").isTrue();
            }
            assertRefused(greedy);
            assertThat(currentUser(other)).isEqualTo("other");
        } finally {
            for (Connection connection : open) {
                connection.close();
            }
        }
    }

    @Test
    void aLimitBeyondWhatTheServerCanGiveIsRefusedNamingTheFieldTheValueAndTheRange() {
        assertThatThrownBy(() -> addons.deploy(file("huge", "connections = 98\n"), ENV))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("addons.postgresql: postgresql connections = 98 is out of range. Allowed: 1 to 97 for a"
                        + " postgresql app on a shared server");
        assertThatThrownBy(() -> addons.app("alone", ENV).create(AddonSpec.of("postgresql").withVersion("15")
                .withConnections(5)))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageStartingWith("postgresql connections = 5 is refused for variant 'small'");

        assertThat(addons.app("huge", ENV).list()).isEmpty();
        assertThat(addons.app("alone", ENV).list()).isEmpty();
    }

    private static AppFile file(String app, String connections) {
        return AppFile.parse("name = \"" + app + "\"\n[addons.postgresql]\nvariant = \"shared\"\nversion = \"15\"\n"
                + connections, app + ".toml");
    }

    private static void assertRefused(Map<String, String> vars) {
        assertThatThrownBy(() -> connect(vars).close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("too many connections for role \"" + vars.get("PGUSER") + "\"")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo(TOO_MANY_CONNECTIONS);
    }

    private static String currentUser(Map<String, String> vars) throws SQLException {
        try (Connection connection = connect(vars); Statement sql = connection.createStatement();
                ResultSet rs = sql.executeQuery("select current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Connection connect(Map<String, String> vars) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", vars.get("PGUSER"));
        properties.setProperty("password", vars.get("PGPASSWORD"));
        return DriverManager.getConnection("jdbc:postgresql://" + vars.get("PGHOST") + ":" + vars.get("PGPORT") + "/"
                + vars.get("PGDATABASE"), properties);
    }
}
