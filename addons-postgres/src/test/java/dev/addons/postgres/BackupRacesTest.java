package dev.addons.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.Status;
import dev.addons.core.Addons;
import dev.addons.core.BackupInfo;
import dev.addons.core.FinalBackup;
import dev.addons.testkit.OtherJvm;
import dev.addons.testkit.ServerProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup or restore under way while the same addon is destroyed or its server restarted, from
 * another thread and from another JVM, on a real shared PostgreSQL 15 (process runtime). Each
 * race is started for real: the destroy or restart is asked only once the backup's dump file or
 * the restore's scratch database exists. The destroy or restart waits for the backup or restore,
 * which ends whole (an archive that restores every row; a restore swapped in), and nothing is left
 * behind (no scratch database on the shared server, no scratch file). Without the wait, the
 * destroy dropped the database under pg_dump and a restore could bring a destroyed tenant's
 * database back with no record.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackupRacesTest {
    private static final String SHARED = "postgresql:shared";
    private static final int ROWS = 300_000;

    @TempDir
    static Path home;
    private Addons addons;

    @BeforeAll
    void anAnchorKeepsTheSharedServerUp() {
        addons = Addons.builder().home(home).runtime("process").automaticBackups(false).build();
        addons.app("anchor", "production").create(AddonSpec.parse(SHARED).withVersion("15"));
    }

    @AfterAll
    void destroyEverything() throws IOException {
        for (AddonRecord record : addons.listAll()) {
            addons.app(record.app(), record.environment()).destroy(record.addon(), FinalBackup.SKIP);
        }
        addons.close();
        assertThat(ServerProcesses.under(home)).isEmpty();
    }

    @Test
    void aDestroyFromAnotherJvmWaitsForTheBackupUnderWayWhichEndsWhole() throws Exception {
        fill("jvm");
        Process backup = OtherJvm.start(home, "backup", "jvm", "postgresql");
        awaitThat("the other JVM's dump has begun", () -> scratchFiles() > 0);

        addons.app("jvm", "production").destroy("postgresql", FinalBackup.SKIP);

        OtherJvm.outputOf(backup, home);
        assertWholeArchiveAndNothingLeft("jvm");
    }

    @Test
    void aDestroyFromAnotherThreadWaitsForTheBackupUnderWayWhichEndsWhole() throws Exception {
        fill("thread");
        CompletableFuture<BackupInfo> backup = CompletableFuture.supplyAsync(
                () -> addons.app("thread", "production").backup("postgresql"));
        awaitThat("the dump has begun", () -> scratchFiles() > 0 || backup.isDone());

        addons.app("thread", "production").destroy("postgresql", FinalBackup.SKIP);

        assertThat(backup.join().payloadBytes()).isPositive();
        assertWholeArchiveAndNothingLeft("thread");
    }

    @Test
    void aRestartWaitsForTheBackupUnderWayAndTheAddonIsActiveAfter() throws Exception {
        fill("restarted");
        CompletableFuture<BackupInfo> backup = CompletableFuture.supplyAsync(
                () -> addons.app("restarted", "production").backup("postgresql"));
        awaitThat("the dump has begun", () -> scratchFiles() > 0 || backup.isDone());

        assertThat(addons.app("restarted", "production").restart("postgresql").status()).isEqualTo(Status.ACTIVE);

        assertThat(backup.join().payloadBytes()).isPositive();
        assertThat(count("restarted")).isEqualTo(ROWS);
        addons.app("restarted", "production").destroy("postgresql", FinalBackup.SKIP);
        assertWholeArchiveAndNothingLeft("restarted");
    }

    @Test
    void aDestroyWaitsForTheRestoreUnderWayAndLeavesNoDatabaseBehind() throws Exception {
        fill("restored");
        BackupInfo archive = addons.app("restored", "production").backup("postgresql");
        List<String> before = databases();
        String database = addons.app("restored", "production").env().toMap().get("PGDATABASE");
        CompletableFuture<BackupInfo> restore = CompletableFuture.supplyAsync(
                () -> addons.app("restored", "production").restore("postgresql", archive.file(), true));
        awaitThat("the restore's scratch database exists",
                () -> databases().stream().anyMatch(d -> d.startsWith("addons-restore-")) || restore.isDone());

        addons.app("restored", "production").destroy("postgresql", FinalBackup.SKIP);

        restore.join();
        assertThat(addons.app("restored", "production").list()).isEmpty();
        List<String> left = new ArrayList<>(before);
        left.remove(database);
        assertThat(databases()).as("databases of the shared server after the destroy")
                .containsExactlyInAnyOrderElementsOf(left);
    }

    /** A tenant "app" with {@link #ROWS} rows of incompressible text, enough for a dump that takes a while. */
    private void fill(String app) throws SQLException {
        addons.app(app, "production").create(AddonSpec.parse(SHARED).withVersion("15"));
        try (Connection c = connect(app); Statement s = c.createStatement()) {
            s.execute("create table orders (v text)");
            s.execute("insert into orders select md5(random()::text) from generate_series(1, " + ROWS + ")");
        }
    }

    /** The newest archive of {@code app} restores every row into a new app; no scratch is left. */
    private void assertWholeArchiveAndNothingLeft(String app) throws Exception {
        assertThat(addons.app(app, "production").list()).isEmpty();
        BackupInfo newest = addons.app(app, "production").backups().stream()
                .max((a, b) -> a.createdAt().compareTo(b.createdAt())).orElseThrow();
        String copy = app + "-copy";
        addons.app(copy, "production").restore(AddonSpec.parse(SHARED).withVersion("15"), newest.file());
        assertThat(count(copy)).isEqualTo(ROWS);
        addons.app(copy, "production").destroy("postgresql", FinalBackup.SKIP);
        assertThat(scratchFiles()).as("scratch files of backups").isZero();
        assertThat(databases()).noneMatch(d -> d.startsWith("addons-restore-") || d.startsWith("addons-old-"));
    }

    private static long scratchFiles() {
        Path scratch = home.resolve("backups").resolve(".scratch");
        if (!Files.isDirectory(scratch)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(scratch)) {
            return files.count();
        } catch (IOException e) {
            return 0; // listed while a file went away: not begun as far as this look can tell
        }
    }

    private static void awaitThat(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting until " + what).isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }

    private long count(String app) throws SQLException {
        try (Connection c = connect(app); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from orders")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every database of the shared server, as the anchor (any role) sees them. */
    private List<String> databases() {
        List<String> names = new ArrayList<>();
        try (Connection c = connect("anchor"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select datname from pg_database")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new AssertionError("listing the shared server's databases", e);
        }
        return names;
    }

    private Connection connect(String app) throws SQLException {
        Map<String, String> vars = addons.app(app, "production").env().toMap();
        Properties props = new Properties();
        props.setProperty("user", vars.get("PGUSER"));
        props.setProperty("password", vars.get("PGPASSWORD"));
        return DriverManager.getConnection("jdbc:postgresql://" + vars.get("PGHOST") + ":" + vars.get("PGPORT") + "/"
                + vars.get("PGDATABASE"), props);
    }
}
