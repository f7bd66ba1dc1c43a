package dev.addons.postgres;

import dev.addons.testkit.AddonScenarios;
import dev.addons.testkit.RuntimeUnderTest;

/** The shared scenarios for PostgreSQL on the container runtime, on the test image through the custom-image feature. */
class PostgresOnContainerTest extends AddonScenarios {
    PostgresOnContainerTest() {
        super(new PostgresUnderTest(), RuntimeUnderTest.container());
    }
}
