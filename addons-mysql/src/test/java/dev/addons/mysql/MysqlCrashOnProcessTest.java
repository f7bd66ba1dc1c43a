package dev.addons.mysql;

import dev.addons.testkit.CrashScenarios;
import dev.addons.testkit.RuntimeUnderTest;
import java.util.List;

/**
 * The crash scenarios that run MySQL's own code (its tenants made and dropped, its dumps, its
 * restore's load and swap, a move between its variants), on the process runtime; a restore is
 * killed once the mysql client has loaded the scratch database too, before the swap.
 */
class MysqlCrashOnProcessTest extends CrashScenarios {
    MysqlCrashOnProcessTest() {
        super(new MysqlUnderTest(), RuntimeUnderTest.process(), Scenario.CREATE, Scenario.BACKUP, Scenario.RESTORE,
                Scenario.MIGRATE, Scenario.DESTROY);
    }

    @Override
    protected List<String> restorePoints() {
        return List.of("tools.after.mysql", "restore.swapped");
    }
}
