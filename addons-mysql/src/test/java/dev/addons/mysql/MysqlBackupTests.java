package dev.addons.mysql;

import static dev.addons.mysql.AppConnections.queryAll;
import static dev.addons.mysql.AppConnections.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.ProvisioningException;
import dev.addons.api.UnsupportedOperationAddonException;
import dev.addons.api.spi.BackupCapability;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.ServerTools;
import dev.addons.api.spi.TenantRequest;
import dev.addons.testkit.RuntimeServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
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
abstract class MysqlBackupTests {
    private static final int ROWS = 20_000;

    private final MysqlProvider provider = new MysqlProvider();
    private final List<String> tenants = new ArrayList<>();
    private RuntimeServer server;

    /** Starts the server these tests share. */
    abstract RuntimeServer start(MysqlProvider provider) throws Exception;

    /** The tools the provider is given. */
    ServerTools tools(RuntimeServer server) {
        return server.tools();
    }

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
        Map<String, String> variables = variables(app);
        fill(variables);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        AtomicBoolean stop = new AtomicBoolean();
        List<Long> written = Collections.synchronizedList(new ArrayList<>());
        byte[] dump;
        long[] committedBefore;
        try {
            Future<?> writer = pool.submit(() -> writeUntil(stop, variables, written));
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (written.size() < 200) {
                if (writer.isDone()) {
                    writer.get(); // its failure, if it failed
                    org.assertj.core.api.Assertions.fail("the writer ended after " + written.size() + " rows");
                }
                assertThat(System.nanoTime() - deadline).as("the writer committed %d rows in 60 s", written.size())
                        .isNegative();
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
            }
            committedBefore = ids(variables);
            dump = backup("app1", app);
            long writtenDuringBackup = written.size();
            stop.set(true);
            writer.get();
            System.out.printf("the writer committed %d rows by the end of the backup%n", writtenDuringBackup);
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        try (Connection connection = connect(variables); Statement sql = connection.createStatement()) {
            sql.execute("delete from notes");
            sql.execute("delete from events where id % 2 = 0");
            sql.execute("create table junk (id int)");
        }

        restore("app1", app, dump);

        assertThat(ids(variables)).contains(committedBefore);
        // One writer commits rows in order: a consistent snapshot holds the first n it committed.
        List<Long> restoredConcurrent = concurrentIds(variables);
        assertThat(restoredConcurrent).isEqualTo(written.subList(0, restoredConcurrent.size()));
        try (Connection connection = connect(variables); Statement sql = connection.createStatement()) {
            assertThat(queryAll(sql, "show tables")).containsExactlyInAnyOrder("events", "notes");
            assertThat(queryString(sql, "select concat(body, '|', hex(data)) from notes where id = 1"))
                    .isEqualTo("Grüße, 日本 ✓|00FF10");
            sql.execute("insert into events (payload) values ('after restore')");
            sql.execute("insert into notes (event_id, body, data) values (1, 'new', x'01')");
            assertThatThrownBy(() -> sql.execute("insert into notes (event_id, body) values (-1, 'orphan')"))
                    .isInstanceOf(SQLException.class);
        }
    }

    @Test
    void aBackupRestoresIntoAnotherAppsTenant() throws Exception {
        Binding source = provision("prod");
        fill(variables(source));
        Binding target = provision("staging");
        try (Connection connection = connect(variables(target)); Statement sql = connection.createStatement()) {
            sql.execute("create table staging_only (id int)");
        }
        assertThat(provider.hasData(request("staging"), target, server.access())).isTrue();

        restore("staging", target, backup("prod", source));

        assertThat(provider.summary(request("staging"), target, server.access()))
                .isEqualTo(provider.summary(request("prod"), source, server.access()))
                .containsEntry("events", Integer.toString(ROWS));
        try (Connection connection = connect(variables(target)); Statement sql = connection.createStatement()) {
            sql.execute("insert into events (payload) values ('staging write')");
        }
        assertThat(provider.summary(request("prod"), source, server.access())).containsEntry("events",
                Integer.toString(ROWS));
    }

    @Test
    void aDumpThatFailsToLoadLeavesTheDataExactlyAsItWas() throws Exception {
        Binding app = provision("app3");
        Map<String, String> variables = variables(app);
        fill(variables);
        byte[] dump = backup("app3", app);
        try (Connection connection = connect(variables); Statement sql = connection.createStatement()) {
            sql.execute("update events set payload = 'changed' where id <= 10");
        }
        Map<String, String> before = provider.summary(request("app3"), app, server.access());
        byte[] truncated = Arrays.copyOf(dump, dump.length / 2);

        assertThatThrownBy(() -> restore("app3", app, truncated))
                .isInstanceOf(ProvisioningException.class)
                .hasMessageContaining("Restoring MySQL tenant 'app3'")
                .hasMessageContaining("its data is unchanged")
                .hasMessageNotContaining(server.access().adminPassword())
                .hasMessageNotContaining(app.require("password"));

        assertThat(provider.summary(request("app3"), app, server.access())).isEqualTo(before);
        try (Connection connection = connect(variables); Statement sql = connection.createStatement()) {
            assertThat(queryString(sql, "select count(*) from events where payload = 'changed'")).isEqualTo("10");
        }
        assertNoScratchLeft();
    }

    @Test
    void aDumpWithAViewIsRefusedAndTheDataLeftAsItWas() throws Exception {
        Binding app = provision("viewapp");
        Map<String, String> variables = variables(app);
        fill(variables);
        try (Connection connection = connect(variables); Statement sql = connection.createStatement()) {
            sql.execute("create view recent as select * from events order by id desc limit 10");
        }
        byte[] dump = backup("viewapp", app);
        try (Connection connection = connect(variables); Statement sql = connection.createStatement()) {
            sql.execute("drop view recent");
            sql.execute("delete from events where id between 100 and 104");
        }
        Map<String, String> before = provider.summary(request("viewapp"), app, server.access());

        assertThatThrownBy(() -> restore("viewapp", app, dump))
                .isInstanceOf(UnsupportedOperationAddonException.class)
                .hasMessageContaining("Restoring MySQL tenant 'viewapp'")
                .hasMessageContaining("its data is unchanged")
                .hasMessageContaining("the dump has [view recent]");

        assertThat(provider.summary(request("viewapp"), app, server.access())).isEqualTo(before);
        assertNoScratchLeft();
    }

    @Test
    void aNewTenantHasNoDataAndItsSummaryIsEmpty() throws Exception {
        Binding app = provision("empty");

        assertThat(provider.hasData(request("empty"), app, server.access())).isFalse();
        assertThat(provider.summary(request("empty"), app, server.access())).isEmpty();
        try (Connection connection = connect(variables(app)); Statement sql = connection.createStatement()) {
            sql.execute("create table t (id int)");
            sql.execute("insert into t values (1), (2)");
        }
        assertThat(provider.hasData(request("empty"), app, server.access())).isTrue();
        assertThat(provider.summary(request("empty"), app, server.access())).containsExactly(Map.entry("t", "2"));
    }

    @Test
    void backupsAreOffered() {
        assertThat(provider.capability(BackupCapability.class)).containsSame(provider);
    }

    private void assertNoScratchLeft() throws SQLException {
        try (Connection admin = MysqlAdmin.connect(server.access()); Statement sql = admin.createStatement()) {
            assertThat(queryAll(sql, "show databases like 'addons-%'")).isEmpty();
            assertThat(queryString(sql, "select count(*) from mysql.db where db like 'addons-%'")).isEqualTo("0");
        }
    }

    private byte[] backup(String tenant, Binding binding) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long started = System.nanoTime();
        provider.backup(request(tenant), binding, server.access(), tools(server), out);
        System.out.printf("backup of %s: %d bytes in %d ms%n", tenant, out.size(),
                (System.nanoTime() - started) / 1_000_000);
        return out.toByteArray();
    }

    private void restore(String tenant, Binding binding, byte[] dump) {
        long started = System.nanoTime();
        try {
            provider.restore(request(tenant), binding, server.access(), tools(server), new ByteArrayInputStream(dump));
        } finally {
            System.out.printf("restore into %s: %d ms%n", tenant, (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** {@link #ROWS} events and a note with a foreign key, text beyond ASCII and binary data. */
    private static void fill(Map<String, String> variables) throws SQLException {
        try (Connection connection = connect(variables); Statement sql = connection.createStatement()) {
            sql.execute("create table events (id bigint auto_increment primary key, payload varchar(100) not null,"
                    + " at timestamp not null default current_timestamp, key (payload)) engine = InnoDB");
            sql.execute("create table digits (d int)");
            sql.execute("insert into digits values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)");
            sql.execute("insert into events (payload) select concat('row ', n) from (select a.d + 10 * b.d"
                    + " + 100 * c.d + 1000 * e.d + 10000 * f.d as n from digits a, digits b, digits c, digits e,"
                    + " digits f) g where n < " + ROWS + " order by n");
            sql.execute("drop table digits");
            sql.execute("create table notes (id int auto_increment primary key, event_id bigint not null,"
                    + " body text not null, data varbinary(16),"
                    + " foreign key (event_id) references events (id)) engine = InnoDB");
            sql.execute("insert into notes (event_id, body, data) values (1, 'Grüße, 日本 ✓', x'00ff10')");
        }
    }

    /** Inserts a row at a time, each committed, until {@code stop}; adds each id to {@code written} once committed. */
    private static Void writeUntil(AtomicBoolean stop, Map<String, String> variables, List<Long> written)
            throws SQLException {
        try (Connection connection = connect(variables); PreparedStatement insert = connection.prepareStatement(
                "insert into events (payload) values ('concurrent')", Statement.RETURN_GENERATED_KEYS)) {
            while (!stop.get()) {
                insert.executeUpdate();
                try (ResultSet key = insert.getGeneratedKeys()) {
                    key.next();
                    written.add(key.getLong(1));
                }
            }
        }
        return null;
    }

    private static List<Long> concurrentIds(Map<String, String> variables) throws SQLException {
        try (Connection connection = connect(variables); Statement sql = connection.createStatement();
                ResultSet rs = sql.executeQuery("select id from events where payload = 'concurrent' order by id")) {
            List<Long> ids = new ArrayList<>();
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
            return ids;
        }
    }

    private static long[] ids(Map<String, String> variables) throws SQLException {
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

    private Map<String, String> variables(Binding binding) {
        return provider.credentials(binding, server.access().endpoint()).toMap();
    }

    private static TenantRequest request(String tenant) {
        return TenantRequest.builder()
                .addonId("addon-" + tenant)
                .app(tenant, "test")
                .variant("shared", true)
                .tenant(tenant)
                .build();
    }

    private static Connection connect(Map<String, String> variables) throws SQLException {
        return AppConnections.connect(variables, variables.get("MYSQL_DATABASE"));
    }
}
