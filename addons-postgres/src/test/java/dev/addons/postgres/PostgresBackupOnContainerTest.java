package dev.addons.postgres;

import dev.addons.testkit.RuntimeServer;
import dev.addons.testkit.RuntimeUnderTest;

/**
 * Backup and restore of PostgreSQL in a container of the test image, with the pg_dump and
 * pg_restore inside it. Aborted where no Docker API answers, except in CI.
 */
class PostgresBackupOnContainerTest extends PostgresBackupTests {

    @Override
    RuntimeServer start(PostgresProvider provider) throws Exception {
        try (RuntimeUnderTest container = RuntimeUnderTest.container()) {
            container.requireAvailable();
        }
        return RuntimeServer.onContainer(provider, new PostgresUnderTest().testImage());
    }
}
