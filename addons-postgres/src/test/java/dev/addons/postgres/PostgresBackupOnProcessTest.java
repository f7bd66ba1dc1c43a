package dev.addons.postgres;

/** Backup and restore of PostgreSQL 15 from Debian's binaries, with their pg_dump and pg_restore. */
class PostgresBackupOnProcessTest extends PostgresBackupTests {

    @Override
    ServerWithTools start(PostgresProvider provider) throws Exception {
        return ServerWithTools.onProcess(provider, new PostgresUnderTest().processVersion());
    }
}
