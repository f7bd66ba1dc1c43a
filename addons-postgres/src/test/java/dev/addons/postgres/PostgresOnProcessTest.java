package dev.addons.postgres;

import dev.addons.testkit.AddonScenarios;
import dev.addons.testkit.RuntimeUnderTest;

/** The shared scenarios for PostgreSQL on the process runtime. */
class PostgresOnProcessTest extends AddonScenarios {
    PostgresOnProcessTest() {
        super(new PostgresUnderTest(), RuntimeUnderTest.process());
    }
}
