package dev.addons.examples.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.AddonSpec;
import dev.addons.core.Addons;
import dev.addons.core.BackupInfo;
import dev.addons.core.Environment;
import dev.addons.core.PooledDataSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerJobTest {
    @TempDir
    Path home;
    @TempDir
    Path files;

    @Test
    void provisionsMigratesBacksUpAndTearsDownAndTheBackupRestoresElsewhere() throws Exception {
        Path backupFile = files.resolve("ledger.tar.zst");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        // The process runtime and Debian's PostgreSQL 15 (whose pg_dump backups need): see VisitsServerTest.
        LedgerJob.Options options = LedgerJob.Options.parse("--home", home.toString(), "--runtime", "process",
                "--version", "15", "--backup", backupFile.toString());

        BackupInfo backup = LedgerJob.run(options, new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(printed.toString(StandardCharsets.UTF_8).lines()).containsSubsequence(
                "ledger: provisioning postgresql ...",
                "ledger: applied V1__accounts.sql",
                "ledger: applied V2__seed.sql",
                "ledger: 2 migration(s) applied; 225 in the accounts",
                "ledger: the addon is destroyed; the backup stays");
        assertThat(backup.file()).isEqualTo(backupFile).isRegularFile();
        try (Addons addons = Addons.builder().home(home).runtime("process").build()) {
            assertThat(addons.app("ledger", "production").list()).as("torn down").isEmpty();
            addons.app("ledger", "staging").create(AddonSpec.of("postgresql").withVersion("15"));
            try {
                addons.app("ledger", "staging").restore("postgresql", backupFile, false);
                try (PooledDataSource staging = Environment.resolve(addons, "ledger", "staging").dataSource()) {
                    assertThat(LedgerJob.total(staging)).isEqualTo(225);
                    assertThat(LedgerJob.migrate(staging, new PrintStream(new ByteArrayOutputStream())))
                            .as("the restored copy has every migration recorded").isZero();
                }
            } finally {
                addons.app("ledger", "staging").destroy("postgresql");
            }
        }
    }
}
