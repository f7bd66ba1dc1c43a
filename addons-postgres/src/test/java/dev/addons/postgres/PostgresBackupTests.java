package dev.addons.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.Credentials;
import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.BackupCapability;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.TenantRequest;
import dev.addons.testkit.RuntimeServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Backup and restore against a real server on one runtime, driven through the provider with the
 * tools that runtime gives it; apps connect with their variables only. The server is shared by
 * the tests as a shared-variant server is shared by apps.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PostgresBackupTests {
    private static final int ROWS = 20_000;

    private final PostgresProvider provider = new PostgresProvider();
    private final List<String> tenants = new ArrayList<>();
    private RuntimeServer server;

    /** Starts the server these tests share. */
    abstract RuntimeServer start(PostgresProvider provider) throws Exception;

    @BeforeAll
    void startServer() throws Exception {
        server = start(provider);
    }

    @AfterAll
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void deprovisionTenants() {
        tenants.forEach(tenant -> provider.deprovision(request(tenant), Binding.of(), server.access()));
        tenants.clear();
    }

    @Test
    void aBackupTakenUnderConcurrentWritesRestoresEveryRowCommittedBeforeItBegan() throws Exception {
        Binding app = provision("app1");
        Credentials variables = credentials(app);
        fill(variables);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong written = new AtomicLong();
        byte[] dump;
        long[] committedBefore;
        try {
            Future<?> writer = pool.submit(() -> writeUntil(stop, variables, written));
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (written.get() < 200) {
                if (writer.isDone()) {
                    writer.get(); // its failure, if it failed
                    org.assertj.core.api.Assertions.fail("the writer ended after " + written.get() + " rows");
                }
                assertThat(System.nanoTime() - deadline).as("the writer committed %d rows in 60 s", written.get())
                        .isNegative();
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
            }
            committedBefore = ids(variables);
            dump = backup("app1", app);
            long writtenDuringBackup = written.get();
            stop.set(true);
            writer.get();
            System.out.printf("the writer committed %d rows by the end of the backup%n", writtenDuringBackup);
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        try (Connection connection = connect(variables); Statement sql = connection.createStatement()) {
            sql.execute("delete from events where id % 2 = 0");
            sql.execute("drop view recent");
            sql.execute("create table junk (id int)");
        }

        restore("app1", app, dump);

        long[] restored = ids(variables);
        assertThat(restored).contains(committedBefore);
        // One writer commits ids in order: a consistent snapshot holds all of them up to some id.
        assertThat(restored[restored.length - 1] - restored[0] + 1).isEqualTo(restored.length);
        try (Connection connection = connect(variables); Statement sql = connection.createStatement()) {
            assertThat(query(sql, "select count(*) from recent")).isEqualTo("10");
            assertThat(query(sql, "select to_regclass('junk') is null")).isEqualTo("t");
            assertThat(query(sql, "select string_agg(distinct tableowner, ',') from pg_tables"
                    + " where schemaname = 'public'")).isEqualTo("app1");
            assertThat(query(sql, "select nspowner::regrole::text || ' ' || pg_get_userbyid(d.datdba)"
                    + " from pg_namespace, pg_database d where nspname = 'public' and d.datname = current_database()"))
                    .as("the public schema's owner, and the database's").isEqualTo("pg_database_owner app1");
            assertThat(query(sql, "select has_database_privilege('public', current_database(), 'connect')"))
                    .isEqualTo("f");
            sql.execute("insert into events (payload) values ('after restore')");
        }
    }

    @Test
    void aBackupRestoresIntoAnotherAppsTenantOwnedByThatApp() throws Exception {
        Binding source = provision("prod");
        fill(credentials(source));
        Binding target = provision("staging");
        try (Connection connection = connect(credentials(target)); Statement sql = connection.createStatement()) {
            sql.execute("create table staging_only (id int)");
        }
        assertThat(provider.hasData(request("staging"), target, server.access())).isTrue();

        restore("staging", target, backup("prod", source));

        assertThat(provider.summary(request("staging"), target, server.access()))
                .isEqualTo(provider.summary(request("prod"), source, server.access()))
                .containsEntry("public.events", Integer.toString(ROWS));
        try (Connection connection = connect(credentials(target)); Statement sql = connection.createStatement()) {
            assertThat(query(sql, "select string_agg(distinct tableowner, ',') from pg_tables"
                    + " where schemaname = 'public'")).isEqualTo("staging");
            sql.execute("insert into events (payload) values ('staging write')");
        }
        assertThatThrownBy(() -> connect(credentials(source), "staging"))
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42501");
    }

    @Test
    void aDumpThatFailsToLoadLeavesTheDataExactlyAsItWas() throws Exception {
        Binding app = provision("app3");
        Credentials variables = credentials(app);
        fill(variables);
        byte[] dump = backup("app3", app);
        try (Connection connection = connect(variables); Statement sql = connection.createStatement()) {
            sql.execute("update events set payload = 'changed' where id <= 10");
        }
        Map<String, String> before = provider.summary(request("app3"), app, server.access());
        byte[] truncated = Arrays.copyOf(dump, dump.length / 2);

        assertThatThrownBy(() -> restore("app3", app, truncated))
                .isInstanceOf(ProvisioningException.class)
                .hasMessageContaining("Restoring PostgreSQL tenant 'app3'")
                .hasMessageContaining("its data is unchanged")
                .hasMessageNotContaining(server.access().adminPassword())
                .hasMessageNotContaining(app.require("password"));

        assertThat(provider.summary(request("app3"), app, server.access())).isEqualTo(before);
        try (Connection connection = connect(variables); Statement sql = connection.createStatement()) {
            assertThat(query(sql, "select count(*) from events where payload = 'changed'")).isEqualTo("10");
        }
        try (Connection admin = PostgresAdmin.connect(server.access(), "postgres");
                Statement sql = admin.createStatement()) {
            assertThat(query(sql, "select count(*) from pg_database where datname like 'addons-%'")).isEqualTo("0");
        }
    }

    @Test
    void aNewTenantHasNoDataAndItsSummaryIsEmpty() throws Exception {
        Binding app = provision("empty");

        assertThat(provider.hasData(request("empty"), app, server.access())).isFalse();
        assertThat(provider.summary(request("empty"), app, server.access())).isEmpty();
        try (Connection connection = connect(credentials(app)); Statement sql = connection.createStatement()) {
            sql.execute("create table t (id int)");
            sql.execute("insert into t values (1), (2)");
        }
        assertThat(provider.hasData(request("empty"), app, server.access())).isTrue();
        assertThat(provider.summary(request("empty"), app, server.access()))
                .containsExactly(Map.entry("public.t", "2"));
    }

    @Test
    void backupsAreOffered() {
        assertThat(provider.capability(BackupCapability.class)).containsSame(provider);
    }

    private byte[] backup(String tenant, Binding binding) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long started = System.nanoTime();
        provider.backup(request(tenant), binding, server.access(), server.tools(), out);
        System.out.printf("backup of %s: %d bytes in %d ms%n", tenant, out.size(),
                (System.nanoTime() - started) / 1_000_000);
        return out.toByteArray();
    }

    private void restore(String tenant, Binding binding, byte[] dump) {
        long started = System.nanoTime();
        try {
            provider.restore(request(tenant), binding, server.access(), server.tools(), new ByteArrayInputStream(dump));
        } finally {
            System.out.printf("restore into %s: %d ms%n", tenant, (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** A table of {@link #ROWS} rows, a view, an index and a function, as an app would make them. */
    private static void fill(Credentials variables) throws SQLException {
        try (Connection connection = connect(variables); Statement sql = connection.createStatement()) {
            sql.execute("create table events (id bigserial primary key, payload text not null,"
                    + " at timestamptz not null default now())");
            sql.execute("create index events_payload on events (payload)");
            sql.execute("insert into events (payload) select 'row ' || g from generate_series(1, " + ROWS + ") g");
            sql.execute("create view recent as select * from events order by id desc limit 10");
            sql.execute("create function twice(x int) returns int language sql as 'select x * 2'");
        }
    }

    /** Inserts a row at a time, each committed, until {@code stop}; counts what it committed. */
    private static Void writeUntil(AtomicBoolean stop, Credentials variables, AtomicLong written) throws SQLException {
        try (Connection connection = connect(variables); PreparedStatement insert = connection.prepareStatement(
                "insert into events (payload) values ('concurrent')")) {
            while (!stop.get()) {
                insert.executeUpdate();
                written.incrementAndGet();
            }
        }
        return null;
    }

    private static long[] ids(Credentials variables) throws SQLException {
        try (Connection connection = connect(variables); Statement sql = connection.createStatement();
                ResultSet rs = sql.executeQuery("select id from events order by id")) {
            List<Long> ids = new ArrayList<>();
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
            return ids.stream().mapToLong(Long::longValue).toArray();
        }
    }

    private Binding provision(String tenant) {
        Binding binding = provider.provision(request(tenant), server.access());
        tenants.add(tenant);
        return binding;
    }

    private Credentials credentials(Binding binding) {
        return provider.credentials(binding, server.access().endpoint());
    }

    private static TenantRequest request(String tenant) {
        return TenantRequest.builder()
                .addonId("addon-" + tenant)
                .app(tenant, "test")
                .variant("shared", true)
                .tenant(tenant)
                .build();
    }

    private static Connection connect(Credentials variables) throws SQLException {
        return connect(variables, variables.get("PGDATABASE").orElseThrow());
    }

    private static Connection connect(Credentials variables, String database) throws SQLException {
        Map<String, String> env = variables.toMap();
        Properties properties = new Properties();
        properties.setProperty("user", env.get("PGUSER"));
        properties.setProperty("password", env.get("PGPASSWORD"));
        return DriverManager.getConnection(
                "jdbc:postgresql://" + env.get("PGHOST") + ":" + env.get("PGPORT") + "/" + database, properties);
    }

    private static String query(Statement sql, String query) throws SQLException {
        try (ResultSet rs = sql.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
