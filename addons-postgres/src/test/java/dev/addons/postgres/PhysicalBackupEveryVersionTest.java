package dev.addons.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonSpec;
import dev.addons.api.InvalidBackupException;
import dev.addons.api.ProvisioningException;
import dev.addons.api.UnsupportedOperationAddonException;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.TenantRequest;
import dev.addons.core.Addons;
import dev.addons.core.BackupInfo;
import dev.addons.testkit.BackupManifest;
import dev.addons.testkit.RuntimeServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Physical backups of dedicated servers on the process runtime, through the facade, for the
 * versions fetched from Maven Central (no {@code pg_dump} among their binaries) and Debian's 15:
 * taken while a writer commits, restored with every row committed before the backup began,
 * refused when damaged with the data untouched, and restored into another app's server. One
 * server of each version serves its test; binaries come from the shared cache
 * ({@code ~/.cache/addons}), fetched once.
 */
class PhysicalBackupEveryVersionTest {
    private static final String ENV = "test";
    private static final int ROWS = 5_000;

    @TempDir
    static Path home;
    static Addons addons;

    @BeforeAll
    static void open() {
        addons = Addons.builder().home(home).runtime("process").build();
    }

    @AfterAll
    static void close() {
        for (String app : List.of("p14", "p15", "p16", "p17", "p18", "q14", "q15", "q16", "q17", "q18", "m16", "m17", "s16", "d16", "s14")) {
            addons.app(app, ENV).list().forEach(record -> addons.app(app, ENV).destroy(record.addon()));
        }
        addons.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"14", "15", "16", "17", "18"})
    void aDedicatedServerIsBackedUpWhileWritesGoOnAndRestoredWithEveryCommittedRow(String version) throws Exception {
        String app = "p" + version;
        addons.app(app, ENV).create(AddonSpec.of("postgresql").withVersion(version));
        fill(vars(app));

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong written = new AtomicLong();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        BackupInfo backup;
        List<Long> committedBefore;
        try {
            Map<String, String> variables = vars(app);
            Future<?> writer = pool.submit(() -> writeUntil(stop, variables, written));
            awaitWrites(written, 200);
            committedBefore = ids(vars(app));
            backup = addons.app(app, ENV).backup("postgresql");
            long duringBackup = written.get();
            stop.set(true);
            writer.get(30, TimeUnit.SECONDS);
            System.out.printf("PostgreSQL %s: physical backup of %d bytes (%d archived); the writer committed %d"
                    + " rows by its end%n", version, backup.payloadBytes(), backup.archiveBytes(), duringBackup);
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        BackupManifest manifest = BackupManifest.of(backup.file());
        // 15 has its own pg_dump, 14 the host's 15; 16 to 18 have none: a physical backup.
        assertThat(manifest.payloadFormat()).isEqualTo(version.equals("15") || version.equals("14") ? "pg_dump"
                : "physical");
        assertThat(manifest.version()).isEqualTo(version);
        try (Connection connection = connect(vars(app)); Statement sql = connection.createStatement()) {
            sql.execute("delete from events where id % 2 = 0");
            sql.execute("create table junk (id int)");
        }

        // A damaged archive is refused before anything is touched.
        Path damaged = home.resolve("damaged-" + version + ".tar.zst");
        byte[] bytes = Files.readAllBytes(backup.file());
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(damaged, bytes);
        long halved = ids(vars(app)).size();
        assertThatThrownBy(() -> addons.app(app, ENV).restore("postgresql", damaged, true))
                .isInstanceOf(InvalidBackupException.class);
        assertThat(ids(vars(app))).hasSize((int) halved);

        addons.app(app, ENV).restore("postgresql", backup.file(), true);

        List<Long> restored = ids(vars(app));
        assertThat(restored).containsAll(committedBefore);
        // One writer commits ids in order: a consistent copy holds all of them up to some id.
        assertThat(restored.get(restored.size() - 1) - restored.get(0) + 1).isEqualTo(restored.size());
        try (Connection connection = connect(vars(app)); Statement sql = connection.createStatement()) {
            assertThat(query(sql, "select to_regclass('junk') is null")).isEqualTo("t");
            assertThat(query(sql, "select current_setting('server_version_num')")).startsWith(version);
            sql.execute("insert into events (payload) values ('after restore')");
        }

        // Into another app's dedicated server: that app's names and passwords, the source's rows.
        String other = "q" + version;
        addons.app(other, ENV).create(AddonSpec.of("postgresql").withVersion(version));
        Map<String, String> before = vars(other);
        addons.app(other, ENV).restore("postgresql", backup.file(), true);
        Map<String, String> after = vars(other);
        assertThat(after.get("PGUSER")).isEqualTo(before.get("PGUSER")).isNotEqualTo(vars(app).get("PGUSER"));
        assertThat(after.get("PGPASSWORD")).isEqualTo(before.get("PGPASSWORD"));
        assertThat(ids(after)).isEqualTo(restored);
        try (Connection connection = connect(after); Statement sql = connection.createStatement()) {
            assertThat(query(sql, "select string_agg(distinct tableowner, ',') from pg_tables"
                    + " where schemaname = 'public'")).isEqualTo(after.get("PGUSER"));
            sql.execute("insert into events (payload) values ('other app')");
        }
        Map<String, String> sourceLogin = new java.util.HashMap<>(after);
        sourceLogin.put("PGUSER", vars(app).get("PGUSER"));
        sourceLogin.put("PGPASSWORD", vars(app).get("PGPASSWORD"));
        assertThatThrownBy(() -> connect(sourceLogin).close()).isInstanceOf(SQLException.class);
        // The server's own admin password still works: health and a later backup use it.
        assertThat(addons.app(other, ENV).backup("postgresql").payloadBytes()).isPositive();
        addons.app(app, ENV).destroy("postgresql");
        addons.app(other, ENV).destroy("postgresql");
    }

    @Test
    void aPhysicalBackupOfOneVersionIsRefusedByAnotherWithBothNamed() throws Exception {
        addons.app("m16", ENV).create(AddonSpec.of("postgresql").withVersion("16"));
        addons.app("m17", ENV).create(AddonSpec.of("postgresql").withVersion("17"));
        fill(vars("m17"));
        BackupInfo sixteen = addons.app("m16", ENV).backup("postgresql");

        // Refused from the archive's manifest, before its dump is read or the server stopped.
        assertThatThrownBy(() -> addons.app("m17", ENV).restore("postgresql", sixteen.file(), true))
                .isInstanceOf(InvalidBackupException.class)
                .hasMessageContaining("is a physical backup of postgresql 16 (of m16/" + ENV + "), which restores only"
                        + " into postgresql 16: the manifest's version is '16', the target's (postgresql of m17/" + ENV
                        + ") '17'. Restore it into an addon of version 16");
        assertThat(ids(vars("m17"))).hasSize(ROWS);
    }

    /**
     * The fetched PostgreSQL 14 has no client tools, but Debian's 15 dump and load servers older
     * than themselves: a shared 14 is backed up while writes go on, restored with every committed
     * row, and moves to a dedicated server and back.
     */
    @Test
    void aSharedPostgres14IsBackedUpRestoredAndMovedEitherWayWithTheHostsNewerTools() throws Exception {
        addons.app("s14", ENV).create(AddonSpec.of("postgresql").withVersion("14").withVariant("shared"));
        fill(vars("s14"));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong written = new AtomicLong();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        BackupInfo backup;
        List<Long> committedBefore;
        try {
            Map<String, String> variables = vars("s14");
            Future<?> writer = pool.submit(() -> writeUntil(stop, variables, written));
            awaitWrites(written, 200);
            committedBefore = ids(vars("s14"));
            backup = addons.app("s14", ENV).backup("postgresql");
            stop.set(true);
            writer.get(30, TimeUnit.SECONDS);
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        assertThat(BackupManifest.of(backup.file()).payloadFormat()).isEqualTo("pg_dump");
        try (Connection connection = connect(vars("s14")); Statement sql = connection.createStatement()) {
            sql.execute("delete from events where id % 2 = 0");
        }

        addons.app("s14", ENV).restore("postgresql", backup.file(), true);
        List<Long> restored = ids(vars("s14"));
        assertThat(restored).containsAll(committedBefore);
        assertThat(restored.get(restored.size() - 1) - restored.get(0) + 1).isEqualTo(restored.size());

        addons.app("s14", ENV).migrate("postgresql", "small");
        assertThat(addons.app("s14", ENV).list()).singleElement()
                .satisfies(r -> assertThat(r.variant()).isEqualTo("small"));
        assertThat(ids(vars("s14"))).isEqualTo(restored);
        addons.app("s14", ENV).migrate("postgresql", "shared");
        assertThat(addons.app("s14", ENV).list()).singleElement()
                .satisfies(r -> assertThat(r.variant()).isEqualTo("shared"));
        assertThat(ids(vars("s14"))).isEqualTo(restored);
        try (Connection connection = connect(vars("s14")); Statement sql = connection.createStatement()) {
            assertThat(query(sql, "select current_setting('server_version_num')")).startsWith("14");
        }
        addons.app("s14", ENV).destroy("postgresql");
    }

    @Test
    void aSharedServerOfAVersionWithoutPgDumpRefusesBackupsAndMovesEitherWaySayingWhy() throws Exception {
        addons.app("s16", ENV).create(AddonSpec.of("postgresql").withVersion("16").withVariant("shared"));
        addons.app("d16", ENV).create(AddonSpec.of("postgresql").withVersion("16"));
        List<Path> serversBefore = servers();

        assertThatThrownBy(() -> addons.app("s16", ENV).backup("postgresql"))
                .hasMessageContaining("have no 'pg_dump'");
        assertThatThrownBy(() -> addons.app("s16", ENV).migrate("postgresql", "small"))
                .isInstanceOf(UnsupportedOperationAddonException.class)
                .hasMessageContaining("Cannot move postgresql of s16/test to small: a move between variants is a"
                        + " logical dump and load (pg_dump, pg_restore), and neither this server's binaries nor this"
                        + " host's newer PostgreSQL have them");
        assertThatThrownBy(() -> addons.app("d16", ENV).migrate("postgresql", "shared"))
                .isInstanceOf(UnsupportedOperationAddonException.class)
                .hasMessageContaining("Cannot move postgresql of d16/test to shared: a move between variants");

        assertThat(servers()).isEqualTo(serversBefore);
        assertThat(addons.app("s16", ENV).list()).singleElement()
                .satisfies(r -> assertThat(r.variant()).isEqualTo("shared"));
        assertThat(addons.app("d16", ENV).list()).singleElement()
                .satisfies(r -> assertThat(r.variant()).isEqualTo("small"));
        assertThat(addons.app("d16", ENV).backups()).isEmpty();
    }

    @Test
    void aPhysicalRestoreThatFailsHalfWayPutsTheOldDataDirectoryBackAndTheServerRunsOnIt() throws Exception {
        PostgresProvider provider = new PostgresProvider();
        TenantRequest tenant = TenantRequest.builder()
                .addonId("addon-r")
                .app("r", ENV)
                .variant("small", false)
                .tenant("r")
                .build();
        try (RuntimeServer server = RuntimeServer.onProcess(provider, "16")) {
            Binding binding = provider.provision(tenant, server.access());
            fill(provider.credentials(binding, server.access().endpoint()).toMap());
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            provider.backup(tenant, binding, server.access(), server.tools(), out);
            byte[] payload = out.toByteArray();
            assertThat(java.util.Arrays.copyOf(payload, PostgresPhysical.MAGIC.length)).isEqualTo(PostgresPhysical.MAGIC);
            try (Connection connection = connect(provider.credentials(binding, server.access().endpoint()).toMap());
                    Statement sql = connection.createStatement()) {
                sql.execute("delete from events where id > 100");
            }
            byte[] cut = java.util.Arrays.copyOf(payload, payload.length / 2);

            assertThatThrownBy(() -> provider.restore(tenant, binding, server.access(), server.tools(),
                    new java.io.ByteArrayInputStream(cut)))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining("Restoring PostgreSQL tenant 'r'")
                    .hasMessageContaining("the old one is back in place")
                    .hasMessageNotContaining(server.access().adminPassword())
                    .hasMessageNotContaining(binding.require("password"));

            assertThat(server.isRunning()).isTrue();
            assertThat(ids(provider.credentials(binding, server.access().endpoint()).toMap())).hasSize(100);
            assertThat(server.tools().dataDirectory().orElseThrow().resolveSibling("data.addons-old")).doesNotExist();
        }
    }

    private static List<Path> servers() throws java.io.IOException {
        try (java.util.stream.Stream<Path> listed = Files.list(home.resolve("servers"))) {
            return listed.sorted().toList();
        }
    }

    private static Map<String, String> vars(String app) {
        return addons.app(app, ENV).env().toMap();
    }

    private static void awaitWrites(AtomicLong written, long count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        synchronized (written) {
            while (written.get() < count) {
                long left = deadline - System.nanoTime();
                assertThat(left).as("the writer committed %d rows in 30 s", written.get()).isPositive();
                written.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    private static void writeUntil(AtomicBoolean stop, Map<String, String> variables, AtomicLong written) {
        try (Connection connection = connect(variables);
                PreparedStatement insert = connection.prepareStatement("insert into events (payload) values (?)")) {
            while (!stop.get()) {
                insert.setString(1, "written during the backup");
                insert.executeUpdate();
                synchronized (written) {
                    written.incrementAndGet();
                    written.notifyAll();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void fill(Map<String, String> variables) throws SQLException {
        try (Connection connection = connect(variables); Statement sql = connection.createStatement()) {
            sql.execute("create table events (id bigserial primary key, payload text not null)");
            sql.execute("insert into events (payload) select 'row ' || g from generate_series(1, " + ROWS + ") g");
        }
    }

    private static List<Long> ids(Map<String, String> variables) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection connection = connect(variables); Statement sql = connection.createStatement();
                ResultSet rs = sql.executeQuery("select id from events order by id")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    private static String query(Statement sql, String query) throws SQLException {
        try (ResultSet rs = sql.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Connection connect(Map<String, String> variables) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + variables.get("PGHOST") + ":"
                + variables.get("PGPORT") + "/" + variables.get("PGDATABASE"), variables.get("PGUSER"),
                variables.get("PGPASSWORD"));
    }
}
