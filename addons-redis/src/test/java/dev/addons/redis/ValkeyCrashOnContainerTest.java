package dev.addons.redis;

import dev.addons.testkit.CrashScenarios;
import dev.addons.testkit.RuntimeUnderTest;

/**
 * The crash scenarios whose code is the container runtime's own, for Valkey on the test image:
 * a container made, stopped, started and removed, and a restore that replaces its data file.
 */
class ValkeyCrashOnContainerTest extends CrashScenarios {
    ValkeyCrashOnContainerTest() {
        super(new ValkeyUnderTest(), RuntimeUnderTest.container(), Scenario.CREATE_SERVER, Scenario.RESTORE,
                Scenario.STOP_START, Scenario.DESTROY);
    }
}
