package dev.addons.postgres;

import dev.addons.testkit.CrashScenarios;
import dev.addons.testkit.RuntimeUnderTest;

/**
 * The crash scenarios whose code is the container runtime's own (a container made, stopped,
 * started and removed), for PostgreSQL on the test image; the engine's own points run on the
 * process runtime ({@link PostgresCrashOnProcessTest}).
 */
class PostgresCrashOnContainerTest extends CrashScenarios {
    PostgresCrashOnContainerTest() {
        super(new PostgresUnderTest(), RuntimeUnderTest.container(), Scenario.CREATE_SERVER, Scenario.STOP_START,
                Scenario.DESTROY);
    }
}
