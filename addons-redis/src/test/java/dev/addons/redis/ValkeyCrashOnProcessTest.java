package dev.addons.redis;

import dev.addons.testkit.CrashScenarios;
import dev.addons.testkit.RuntimeUnderTest;

/**
 * The crash scenarios that run Valkey's own code (its snapshot taken and swapped in by a restart),
 * with a stop, a start and an up, on the process runtime.
 */
class ValkeyCrashOnProcessTest extends CrashScenarios {
    ValkeyCrashOnProcessTest() {
        super(new ValkeyUnderTest(), RuntimeUnderTest.process(), Scenario.CREATE, Scenario.BACKUP, Scenario.RESTORE,
                Scenario.STOP_START, Scenario.UP, Scenario.DESTROY);
    }
}
