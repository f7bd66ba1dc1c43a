package dev.addons.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.AddonRecord;
import dev.addons.api.Status;
import java.io.PrintWriter;
import java.time.Instant;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class WatcherTest {
    private final StringWriter printed = new StringWriter();

    @Test
    void aDownloadPrintsALinePerTenthNotPerChunk() {
        Watcher watcher = new Watcher(new PrintWriter(printed), false);

        for (long done = 0; done <= 30_000_000; done += 8192) {
            watcher.transfer("postgresql-16", done, 30_000_000);
        }
        watcher.transfer("postgresql-16", 30_000_000, 30_000_000);

        assertThat(printed.toString().lines()).hasSize(11)
                .startsWith("postgresql-16: downloading 0% of 30.0 MB")
                .endsWith("postgresql-16: downloading 100% of 30.0 MB");
    }

    @Test
    void aDownloadOfUnknownSizePrintsEveryTenMegabytes() {
        Watcher watcher = new Watcher(new PrintWriter(printed), false);

        for (long done = 0; done <= 25L * 1024 * 1024; done += 65536) {
            watcher.transfer("postgresql-16", done, -1);
        }

        assertThat(printed.toString().lines()).hasSize(3);
    }

    @Test
    void aFailedTransitionCarriesItsReasonOnTheSameLine() {
        Watcher watcher = new Watcher(new PrintWriter(printed), false);
        AddonRecord record = new AddonRecord("postgresql-a-production-x1", "a", "production", "postgresql", "small",
                "15", "process", Status.FAILED, "initdb failed:\nno space", Instant.EPOCH, Instant.EPOCH);

        watcher.onTransition(record, Status.PROVISIONING);

        assertThat(printed.toString()).isEqualTo("postgresql (a/production): provisioning -> failed: initdb failed: no space\n");
    }

    @Test
    void stepsArePrintedOnlyWhenVerbose() {
        new Watcher(new PrintWriter(printed), false).step("postgresql-16", "initializing data directory");
        assertThat(printed.toString()).isEmpty();

        new Watcher(new PrintWriter(printed), true).step("postgresql-16", "initializing data directory");
        assertThat(printed.toString()).isEqualTo("postgresql-16: initializing data directory\n");
    }
}
