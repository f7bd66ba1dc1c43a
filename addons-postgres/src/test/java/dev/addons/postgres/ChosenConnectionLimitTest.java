package dev.addons.postgres;

import dev.addons.testkit.ChosenConnectionLimitScenarios;

/**
 * An app's chosen {@code connections} through the whole SDK on a shared PostgreSQL 15 server
 * (Debian's, on the process runtime): its role's {@code CONNECTION LIMIT}.
 */
class ChosenConnectionLimitTest extends ChosenConnectionLimitScenarios {
    ChosenConnectionLimitTest() {
        super(new PostgresUnderTest());
    }
}
