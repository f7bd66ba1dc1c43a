package dev.addons.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.Status;
import dev.addons.core.Addons;
import dev.addons.testkit.ServerProcesses;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link dev.addons.core.App#createCopy}: a tenant copied from another on a shared PostgreSQL 15 server owns
 * its copy, cannot reach the source, and leaves the source as it was, even when copies are made
 * at once.
 */
class PostgresCopiesTest {
    private static final String ENV = "test";

    @TempDir
    static Path home;
    static Addons addons;

    @BeforeAll
    static void prepareTheSource() throws SQLException {
        addons = Addons.builder().home(home).runtime("process").automaticBackups(false).build();
        addons.app("source", ENV).create(new AddonSpec("postgresql", "shared", "15"));
        try (Connection c = connect("source"); Statement sql = c.createStatement()) {
            sql.execute("create table orders (id serial primary key, item text)");
            sql.execute("insert into orders (item) values ('tea'), ('cake')");
        }
    }

    @AfterAll
    static void destroyEverything() throws Exception {
        for (AddonRecord record : addons.listAll()) {
            addons.app(record.app(), record.environment()).destroy(record.addon());
        }
        addons.close();
        assertThat(ServerProcesses.under(home)).isEmpty();
    }

    @Test
    void aCopyHasTheSourcesDataAndOwnsIt() throws SQLException {
        AddonRecord copy = addons.app("copy-one", ENV).createCopy("postgres", addons.app("source", ENV));

        assertThat(copy.status()).isEqualTo(Status.ACTIVE);
        try (Connection c = connect("copy-one"); Statement sql = c.createStatement()) {
            sql.execute("insert into orders (item) values ('scone')");
            assertThat(items(sql)).containsExactly("tea", "cake", "scone");
            assertThat(single(sql, "select tableowner from pg_tables where tablename = 'orders'"))
                    .isEqualTo(single(sql, "select current_user"));
            assertThat(single(sql, "select rolconnlimit from pg_roles where rolname = current_user"))
                    .as("a shared tenant's limit, as any other's").isEqualTo(String.valueOf(AddonSpec.DEFAULT_CONNECTIONS));
        }
        try (Connection c = connect("source"); Statement sql = c.createStatement()) {
            assertThat(items(sql)).containsExactly("tea", "cake");
            assertThat(single(sql, "select pg_get_userbyid(datdba) from pg_database where datname = current_database()"))
                    .isEqualTo(single(sql, "select current_user"));
        }
        addons.app("copy-one", ENV).destroy("postgresql");
    }

    @Test
    void aCopyCannotReachTheSourceNorTheSourceTheCopy() {
        addons.app("copy-two", ENV).createCopy("postgresql", addons.app("source", ENV));
        Map<String, String> copy = vars("copy-two");
        Map<String, String> source = vars("source");

        assertThatThrownBy(() -> DriverManager.getConnection(jdbc(copy, source.get("PGDATABASE")),
                copy.get("PGUSER"), copy.get("PGPASSWORD"))).hasMessageContaining("permission denied");
        assertThatThrownBy(() -> DriverManager.getConnection(jdbc(source, copy.get("PGDATABASE")),
                source.get("PGUSER"), source.get("PGPASSWORD"))).hasMessageContaining("permission denied");
        addons.app("copy-two", ENV).destroy("postgresql");
    }

    @Test
    void copiesMadeAtOnceAreEachComplete() throws SQLException {
        List<CompletableFuture<AddonRecord>> copies = new ArrayList<>();
        for (String app : List.of("copy-a", "copy-b", "copy-c")) {
            copies.add(CompletableFuture.supplyAsync(
                    () -> addons.app(app, ENV).createCopy("postgresql", addons.app("source", ENV))));
        }
        copies.forEach(CompletableFuture::join);

        for (String app : List.of("copy-a", "copy-b", "copy-c")) {
            try (Connection c = connect(app); Statement sql = c.createStatement()) {
                assertThat(items(sql)).as(app).containsExactly("tea", "cake");
            }
            addons.app(app, ENV).destroy("postgresql");
        }
        try (Connection c = connect("source"); Statement sql = c.createStatement()) {
            assertThat(single(sql, "select pg_get_userbyid(datdba) from pg_database where datname = current_database()"))
                    .isEqualTo(single(sql, "select current_user"));
        }
    }

    @Test
    void onlyATenantOfASharedServerIsCopied() {
        addons.app("dedicated", ENV).create(new AddonSpec("postgresql", "small", "15"));
        try {
            assertThatThrownBy(() -> addons.app("copy-d", ENV).createCopy("postgresql", addons.app("dedicated", ENV)))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessage("postgresql of dedicated/test is small: only a tenant of a shared server is copied,"
                            + " onto that server");
        } finally {
            addons.app("dedicated", ENV).destroy("postgresql");
        }
    }

    private static Map<String, String> vars(String app) {
        return addons.app(app, ENV).credentials("postgresql").toMap();
    }

    private static String jdbc(Map<String, String> vars, String database) {
        return "jdbc:postgresql://" + vars.get("PGHOST") + ":" + vars.get("PGPORT") + "/" + database;
    }

    private static Connection connect(String app) throws SQLException {
        Map<String, String> vars = vars(app);
        return DriverManager.getConnection(jdbc(vars, vars.get("PGDATABASE")), vars.get("PGUSER"),
                vars.get("PGPASSWORD"));
    }

    private static List<String> items(Statement sql) throws SQLException {
        List<String> items = new ArrayList<>();
        try (ResultSet rs = sql.executeQuery("select item from orders order by id")) {
            while (rs.next()) {
                items.add(rs.getString(1));
            }
        }
        return items;
    }

    private static String single(Statement sql, String query) throws SQLException {
        try (ResultSet rs = sql.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
