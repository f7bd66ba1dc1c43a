package dev.addons.postgres;

import dev.addons.testkit.CrashScenarios;
import dev.addons.testkit.RuntimeUnderTest;
import java.util.List;

/**
 * Every crash scenario for PostgreSQL 15 on the process runtime, core's own points among them
 * (PostgreSQL is the engine they run with); a restore is killed once pg_restore has loaded the
 * scratch database too, before the swap.
 */
class PostgresCrashOnProcessTest extends CrashScenarios {
    PostgresCrashOnProcessTest() {
        super(new PostgresUnderTest(), RuntimeUnderTest.process(), Scenario.CREATE, Scenario.CORE, Scenario.BACKUP,
                Scenario.RESTORE, Scenario.STOP_START, Scenario.MIGRATE, Scenario.DESTROY);
    }

    @Override
    protected List<String> restorePoints() {
        return List.of("tools.after.pg_restore", "restore.swapped");
    }
}
