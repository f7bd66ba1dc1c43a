package dev.addons.postgres;

import dev.addons.testkit.RuntimeServer;

/** Backup and restore of PostgreSQL 15 from Debian's binaries, with their pg_dump and pg_restore. */
class PostgresBackupOnProcessTest extends PostgresBackupTests {

    @Override
    RuntimeServer start(PostgresProvider provider) throws Exception {
        return RuntimeServer.onProcess(provider, new PostgresUnderTest().processVersion());
    }
}
