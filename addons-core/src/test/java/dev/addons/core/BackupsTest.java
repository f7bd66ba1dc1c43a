package dev.addons.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.InvalidBackupException;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.ProvisioningException;
import dev.addons.api.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backup logic of the core on the in-memory runtime double: archives, verification,
 * retention, limits, schedules and variant moves. The engines' own backups run against real
 * servers in the engine modules (see AddonScenarios).
 */
class BackupsTest {
    @TempDir
    Path home;
    @TempDir
    Path elsewhere;

    FakeRuntime runtime = new FakeRuntime();
    Addons addons;

    @BeforeEach
    void open() {
        addons = Addons.builder().home(home).runtime(runtime).automaticBackups(false).build();
    }

    @AfterEach
    void close() {
        addons.close();
    }

    private Map<String, String> rows(String app) {
        return rows(app, "production");
    }

    private Map<String, String> rows(String app, String environment) {
        AddonRecord record = addons.app(app, environment).list().get(0);
        String serverId = serverOf(record);
        return FakeRuntime.rows(serverId, app.replace('-', '_') + (environment.equals("production") ? ""
                : "__" + environment));
    }

    /** The server an addon lives on, as the runtime double knows it (by its endpoint's port). */
    private String serverOf(AddonRecord record) {
        int port = Integer.parseInt(addons.app(record.app(), record.environment()).credentials("fakedb")
                .get("FAKE_PORT")
                .orElseThrow());
        return runtime.running.values().stream().filter(s -> s.endpoint().port() == port).findFirst().orElseThrow()
                .serverId();
    }

    @Test
    void aBackupRestoresWhatWasThereWhenItWasTaken() throws IOException {
        addons.app("shop", "production").create(AddonSpec.of("fakedb"));
        rows("shop").putAll(Map.of("a", "1", "b", "2"));

        BackupInfo backup = addons.app("shop", "production").backup("fakedb");
        rows("shop").put("a", "changed");
        rows("shop").remove("b");
        addons.app("shop", "production").restore("fakedb", backup.file(), true);

        assertThat(rows("shop")).containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "b", "2"));
        assertThat(backup.file()).startsWith(home.resolve("backups/shop/production/fakedb"));
        assertThat(backup.file().getFileName().toString()).endsWith("-manual.tar.zst");
        assertThat(backup.addon()).isEqualTo("fakedb");
        assertThat(backup.payloadBytes()).isEqualTo("a=1\nb=2\n".length());
        assertThat(backup.sha256()).hasSize(64);
        assertThat(addons.app("shop", "production").backups()).extracting(BackupInfo::file)
                .containsExactly(backup.file());
        assertThat(Files.getPosixFilePermissions(backup.file())).as("owner-only")
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(backup.file().getParent()))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        try (Stream<Path> left = Files.list(home.resolve("backups/.scratch"))) {
            assertThat(left).as("temporary dumps").isEmpty();
        }
    }

    @Test
    void aBackupOfOneAppRestoresIntoAnotherAppsAddon() {
        addons.app("shop", "production").create(AddonSpec.of("fakedb"));
        addons.app("shop", "staging").create(AddonSpec.of("fakedb").withVariant("shared"));
        rows("shop").put("order-1", "paid");

        BackupInfo backup = addons.app("shop", "production").backup("fakedb", elsewhere.resolve("prod.tar.zst"));
        addons.app("shop", "staging").restore("fakedb", backup.file(), false);

        assertThat(rows("shop", "staging")).containsExactlyEntriesOf(Map.of("order-1", "paid"));
        assertThat(addons.app("shop", "production").backups()).as("a file of the caller's is not the home's").isEmpty();
    }

    @Test
    void restoringOverDataNeedsForceAndTheDataStaysWithoutIt() {
        addons.app("shop", "production").create(AddonSpec.of("fakedb"));
        rows("shop").put("a", "1");
        BackupInfo backup = addons.app("shop", "production").backup("fakedb");
        rows("shop").put("a", "2");

        assertThatThrownBy(() -> addons.app("shop", "production").restore("fakedb", backup.file(), false))
                .isInstanceOf(ProvisioningException.class)
                .hasMessageContaining("holds data").hasMessageContaining("--force");
        assertThat(rows("shop")).containsExactlyEntriesOf(Map.of("a", "2"));
    }

    @Test
    void aFlippedByteIsRefusedAndTheDataIsUntouched() throws IOException {
        addons.app("shop", "production").create(AddonSpec.of("fakedb"));
        for (int i = 0; i < 200; i++) {
            rows("shop").put("key-" + i, "value-" + i);
        }
        BackupInfo backup = addons.app("shop", "production").backup("fakedb");
        rows("shop").clear();
        rows("shop").put("now", "this");
        byte[] bytes = Files.readAllBytes(backup.file());
        for (int at : new int[] {bytes.length / 2, bytes.length - 5, 20}) {
            byte[] damaged = bytes.clone();
            damaged[at] ^= 0x10;
            Path file = elsewhere.resolve("flipped-" + at + ".tar.zst");
            Files.write(file, damaged);

            assertThatThrownBy(() -> addons.app("shop", "production").restore("fakedb", file, true))
                    .as("byte %d flipped", at)
                    .isInstanceOf(InvalidBackupException.class)
                    .hasMessageContaining(file.toString());
            assertThat(rows("shop")).containsExactlyEntriesOf(Map.of("now", "this"));
        }
    }

    @Test
    void aTruncatedArchiveIsRefusedAndTheDataIsUntouched() throws IOException {
        addons.app("shop", "production").create(AddonSpec.of("fakedb"));
        rows("shop").put("a", "1");
        BackupInfo backup = addons.app("shop", "production").backup("fakedb");
        rows("shop").put("a", "2");
        byte[] bytes = Files.readAllBytes(backup.file());
        Path file = elsewhere.resolve("cut.tar.zst");
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 10));

        assertThatThrownBy(() -> addons.app("shop", "production").restore("fakedb", file, true))
                .isInstanceOf(InvalidBackupException.class)
                .hasMessageContaining("cut.tar.zst");
        assertThat(rows("shop")).containsExactlyEntriesOf(Map.of("a", "2"));
    }

    @Test
    void aFileThatIsNoBackupIsRefused() throws IOException {
        addons.app("shop", "production").create(AddonSpec.of("fakedb"));
        Path file = elsewhere.resolve("notes.txt");
        Files.writeString(file, "hello");

        assertThatThrownBy(() -> addons.app("shop", "production").restore("fakedb", file, true))
                .isInstanceOf(InvalidBackupException.class)
                .hasMessageContaining("notes.txt").hasMessageContaining("cannot be read as an addons backup");
        assertThatThrownBy(() -> addons.app("shop", "production").restore("fakedb", elsewhere.resolve("missing"), true))
                .isInstanceOf(InvalidBackupException.class).hasMessageContaining("no backup file");
    }

    @Test
    void aBackupOfAnotherEngineIsRefusedNamingBoth() throws IOException {
        addons.app("shop", "production").create(AddonSpec.of("fakedb"));
        addons.app("shop", "production").create(AddonSpec.of("fakecache"));
        Path foreign = Files.createFile(elsewhere.resolve("cache.tar.zst"));
        writeForeignArchive(foreign);

        assertThatThrownBy(() -> addons.app("shop", "production").restore("fakedb", foreign, true))
                .isInstanceOf(InvalidBackupException.class)
                .hasMessageContaining("is a backup of fakecache").hasMessageContaining("fakedb of shop/production");
    }

    /** An archive as a fakecache backup would be, had fakecache backups. */
    private static void writeForeignArchive(Path file) throws IOException {
        dev.addons.core.internal.BackupArchiveAccess.write(file, "fakecache", "k=v\n");
    }

    @Test
    void anAddonWithoutBackupsSaysWhy() {
        addons.app("shop", "production").create(AddonSpec.of("fakecache"));

        assertThatThrownBy(() -> addons.app("shop", "production").backup("fakecache"))
                .isInstanceOf(dev.addons.api.UnsupportedOperationAddonException.class)
                .hasMessage("Cannot back up or restore fakecache of shop/production: not supported: fakecache has no"
                        + " backups. Engines here with backups: [fakedb]");
        assertThat(home.resolve("backups/shop/production/fakecache")).doesNotExist();
    }

    @Test
    void theDailyLimitOfManualBackupsIsEnforcedWithAClearError() {
        addons.app("shop", "production").create(AddonSpec.of("fakedb"));
        addons.app("shop", "production").backupPolicy("fakedb", BackupPolicy.DEFAULT.withManualPerDay(2));

        addons.app("shop", "production").backup("fakedb");
        addons.app("shop", "production").backup("fakedb", elsewhere.resolve("mine.tar.zst"));

        assertThatThrownBy(() -> addons.app("shop", "production").backup("fakedb"))
                .isInstanceOf(ProvisioningException.class)
                .hasMessageContaining("daily limit of manual backups of fakedb of shop/production")
                .hasMessageContaining("2 of 2");
        assertThat(addons.app("shop", "production").backups()).hasSize(1);
    }

    @Test
    void retentionKeepsTheLastNAndTheLimitCountsDeletedOnesToo() {
        addons.app("shop", "production").create(AddonSpec.of("fakedb"));
        addons.app("shop", "production").backupPolicy("fakedb",
                BackupPolicy.DEFAULT.withKeepLast(2).withManualPerDay(4));
        BackupInfo[] taken = new BackupInfo[4];
        for (int i = 0; i < 4; i++) {
            rows("shop").put("n", Integer.toString(i));
            taken[i] = addons.app("shop", "production").backup("fakedb");
        }

        assertThat(addons.app("shop", "production").backups()).extracting(BackupInfo::file)
                .containsExactly(taken[2].file(), taken[3].file());
        assertThat(taken[0].file()).doesNotExist();
        assertThatThrownBy(() -> addons.app("shop", "production").backup("fakedb"))
                .hasMessageContaining("4 of 4");
    }

    @Test
    void retentionByAgeDeletesOldBackupsButNeverTheNewest() throws IOException {
        addons.app("shop", "production").create(AddonSpec.of("fakedb"));
        Path directory = home.resolve("backups/shop/production/fakedb");
        Path old = dev.addons.core.internal.BackupArchiveAccess.writeOld(directory.resolve("old.tar.zst"), "fakedb",
                Duration.ofDays(40));
        Path older = dev.addons.core.internal.BackupArchiveAccess.writeOld(directory.resolve("older.tar.zst"),
                "fakedb", Duration.ofDays(50));

        addons.app("shop", "production").backupPolicy("fakedb", BackupPolicy.DEFAULT.withMaxAge(Duration.ofDays(45)));
        assertThat(old).exists();
        assertThat(older).doesNotExist();

        addons.app("shop", "production").backupPolicy("fakedb", BackupPolicy.DEFAULT.withMaxAge(Duration.ofDays(1)));
        assertThat(old).as("the newest is kept whatever its age").exists();

        BackupInfo fresh = addons.app("shop", "production").backup("fakedb");
        assertThat(old).doesNotExist();
        assertThat(addons.app("shop", "production").backups()).extracting(BackupInfo::file)
                .containsExactly(fresh.file());
    }

    @Test
    void automaticBackupsAreTakenWhenDueAndOnlyThen() {
        addons.app("shop", "production").create(AddonSpec.of("fakedb"));
        addons.app("blog", "production").create(AddonSpec.of("fakedb"));
        assertThat(addons.runDueBackups()).as("off by default").isZero();

        addons.app("shop", "production").backupPolicy("fakedb", BackupPolicy.DEFAULT.withSchedule(Duration.ofHours(6)));
        assertThat(addons.runDueBackups()).isEqualTo(1);
        assertThat(addons.runDueBackups()).as("not due again for 6 hours").isZero();

        assertThat(addons.app("shop", "production").backups()).singleElement()
                .extracting(BackupInfo::trigger).isEqualTo(BackupInfo.SCHEDULED);
        assertThat(addons.app("blog", "production").backups()).isEmpty();
        assertThat(addons.app("shop", "production").nextAutomaticBackup("fakedb")).hasValueSatisfying(next ->
                assertThat(next).isAfter(java.time.Instant.now().plus(Duration.ofHours(5))));
    }

    @Test
    void anAppFileDeclaresBackupPoliciesAndBadOnesAreNamed() {
        AppFile file = AppFile.parse("""
                name = "shop"
                [addons.fakedb]
                [addons.fakedb.backups]
                schedule = "1d"
                keep_last = 7
                max_age = "30d"
                manual_per_day = 3
                """, "addons.toml");
        addons.deploy(file, "production");

        assertThat(addons.app("shop", "production").backupPolicy("fakedb"))
                .isEqualTo(new BackupPolicy(Duration.ofDays(1), 7, Duration.ofDays(30), 3));
        assertThatThrownBy(() -> AppFile.parse("""
                name = "shop"
                [addons.fakedb.backups]
                schedule = "daily"
                """, "addons.toml"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("addons.toml: addons.fakedb.backups.schedule 'daily' is not a duration")
                .hasMessageContaining("6h, 1d, 30d");
        assertThatThrownBy(() -> AppFile.parse("""
                name = "shop"
                [addons.fakedb.backups]
                keep = 3
                """, "addons.toml"))
                .hasMessageContaining("unknown key 'addons.fakedb.backups.keep'").hasMessageContaining("keep_last");
        assertThatThrownBy(() -> AppFile.parse("""
                name = "shop"
                [addons.fakedb.backups]
                manual_per_day = 0
                """, "addons.toml"))
                .hasMessageContaining("manual_per_day 0 must be 1 or more");
    }

    @Test
    void anAddonMovesToSharedAndBackKeepingEveryRowAndItsVariablesFollow() {
        addons.app("shop", "production").create(AddonSpec.of("fakedb"));
        addons.app("blog", "production").create(AddonSpec.of("fakedb").withVariant("shared"));
        for (int i = 0; i < 50; i++) {
            rows("shop").put("row-" + i, "v" + i);
        }
        String before = addons.app("shop", "production").env().get("FAKE_PORT").orElseThrow();
        String dedicated = serverOf(addons.app("shop", "production").list().get(0));

        AddonRecord moved = addons.app("shop", "production").migrate("fakedb", "shared");

        assertThat(moved.variant()).isEqualTo("shared");
        assertThat(moved.status()).isEqualTo(Status.ACTIVE);
        assertThat(addons.app("shop", "production").env().get("FAKE_PORT")).isNotEqualTo(java.util.Optional.of(before));
        assertThat(rows("shop")).hasSize(50).containsEntry("row-7", "v7");
        assertThat(runtime.running).as("the dedicated server is gone").doesNotContainKey(dedicated);

        AddonRecord back = addons.app("shop", "production").migrate("fakedb", "small");

        assertThat(back.variant()).isEqualTo("small");
        assertThat(rows("shop")).hasSize(50).containsEntry("row-49", "v49");
        assertThat(addons.app("blog", "production").list()).singleElement().extracting(AddonRecord::status)
                .isEqualTo(Status.ACTIVE);
        assertThat(addons.app("shop", "production").backups()).extracting(BackupInfo::trigger)
                .containsOnly(BackupInfo.MIGRATION);
    }

    @Test
    void aMoveWhoseProcessDiedIsUndoneByTheNextReconcileAndMayBeDoneAgain() {
        addons.app("shop", "production").create(AddonSpec.of("fakedb"));
        addons.app("blog", "production").create(AddonSpec.of("fakedb").withVariant("shared"));
        rows("shop").put("a", "1");
        String shared = serverOf(addons.app("blog", "production").list().get(0));
        dev.addons.core.internal.StateStore store = new dev.addons.core.internal.StateStore(home);
        dev.addons.core.internal.AddonState shop = store.find("shop", "production", "fakedb").orElseThrow();
        // As a process killed once it joined the shared server leaves it: a move owned by a process that is gone.
        store.save(shop.withMigration(new dev.addons.core.internal.AddonState.Migration("shared", shared, Map.of(),
                new dev.addons.core.internal.AddonState.Owner(Long.MAX_VALUE, 1), false)));
        assertThatThrownBy(() -> addons.app("shop", "production").migrate("fakedb", "shared"))
                .hasMessageContaining("is moving to shared already; the process moving it exited");

        assertThat(addons.reconcile()).isPositive();

        assertThat(store.find("shop", "production", "fakedb").orElseThrow().migration()).isNull();
        assertThat(store.tenantsOf(shared)).extracting(s -> s.record().app()).containsExactly("blog");
        assertThat(addons.app("shop", "production").migrate("fakedb", "shared").variant()).isEqualTo("shared");
        assertThat(rows("shop")).containsEntry("a", "1");
        // The runtime double's tenants outlive the test: the shared server's id is the next test's too.
        addons.app("shop", "production").destroy("fakedb", FinalBackup.SKIP);
        addons.app("blog", "production").destroy("fakedb", FinalBackup.SKIP);
    }

    @Test
    void aMoveThatCannotBeVerifiedLeavesTheAddonAsItWas() {
        addons.app("shop", "production").create(AddonSpec.of("fakedb"));
        rows("shop").put("a", "1");
        String port = addons.app("shop", "production").env().get("FAKE_PORT").orElseThrow();
        int servers = runtime.running.size();
        // A row written while the copy is made: the summaries differ.
        FakeRuntime.afterRestore = () -> rows("shop").put("late", "write");
        try {
            assertThatThrownBy(() -> addons.app("shop", "production").migrate("fakedb", "shared"))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining("it is still small and unchanged")
                    .hasMessageContaining("differs from the source");
        } finally {
            FakeRuntime.afterRestore = () -> { };
        }

        AddonRecord record = addons.app("shop", "production").list().get(0);
        assertThat(record.variant()).isEqualTo("small");
        assertThat(record.status()).isEqualTo(Status.ACTIVE);
        assertThat(addons.app("shop", "production").env().get("FAKE_PORT")).hasValue(port);
        assertThat(rows("shop")).containsEntry("a", "1");
        assertThat(runtime.running).as("the shared server made for the move is gone").hasSize(servers);
        assertThatThrownBy(() -> addons.app("shop", "production").migrate("fakedb", "small"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("is small already");
        assertThatThrownBy(() -> addons.app("shop", "production").migrate("fakedb", "large"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("variant 'large'")
                .hasMessageContaining("[small, shared]");
    }

    @Test
    void aBackupInProgressShowsHowFarAlong() {
        // Progress is told in transfers of the dump's bytes; a big dump tells it several times.
        java.util.List<Long> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        addons.close();
        addons = Addons.builder().home(home).runtime(runtime).automaticBackups(false)
                .progress(new dev.addons.core.runtime.ProgressListener() {
                    @Override
                    public void step(String subject, String message) {
                    }

                    @Override
                    public void transfer(String subject, long done, long total) {
                        told.add(done);
                    }
                }).build();
        addons.app("shop", "production").create(AddonSpec.of("fakedb"));
        String big = "x".repeat(1024 * 1024);
        for (int i = 0; i < 20; i++) {
            rows("shop").put("k" + i, big);
        }

        BackupInfo backup = addons.app("shop", "production").backup("fakedb");

        assertThat(told).hasSizeGreaterThanOrEqualTo(2).isSorted();
        assertThat(backup.payloadBytes()).isGreaterThan(20L * 1024 * 1024);
        assertThat(backup.archiveBytes()).as("zstd-compressed").isLessThan(backup.payloadBytes() / 100);
    }
}
