package dev.addons.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.Credentials;
import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.Secrets;
import dev.addons.api.spi.TenantRequest;
import dev.addons.testkit.ProviderServer;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The provider against a real server it describes itself: PostgreSQL 15 from Debian's package
 * (or the major version in {@code addons.test.postgres.version}, fetched if not installed), run
 * by the process runtime ({@link ProviderServer}) and shared by the tests the way a shared-variant
 * server is shared by apps. Apps connect with their variables only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresProviderServerTest {

    private static final String VERSION = System.getProperty("addons.test.postgres.version", "15");

    private final PostgresProvider provider = new PostgresProvider();
    private final List<String> tenants = new ArrayList<>();
    private ProviderServer server;

    @BeforeAll
    void startServer() throws Exception {
        server = ProviderServer.start(provider, VERSION);
    }

    @AfterAll
    void stopServer() throws Exception {
        provider.close();
        if (server != null) {
            List<ProcessHandle> processes = server.processes();
            server.close();
            assertThat(processes).noneMatch(ProcessHandle::isAlive);
        }
    }

    @AfterEach
    void deprovisionTenants() {
        tenants.forEach(tenant -> provider.deprovision(request(tenant), Binding.of(), server.access()));
        tenants.clear();
    }

    @Test
    void aServerErrorQuotingASecretLeavesItInNoPartOfTheFailureItsCausesOrNextExceptions() throws SQLException {
        String secret = Secrets.random(32);
        BatchUpdateException driverError;
        try (Connection admin = PostgresAdmin.connect(server.access(), PostgresAdmin.MAINTENANCE_DATABASE);
                Statement sql = admin.createStatement()) {
            sql.addBatch("alter role \"" + secret + "\" connection limit 1");
            driverError = org.assertj.core.api.Assertions.catchThrowableOfType(sql::executeBatch,
                    BatchUpdateException.class);
        }
        assertThat(printed(driverError)).as("the driver quotes the statement and the server the role")
                .contains("alter role \"" + secret + "\"", "role \"" + secret + "\" does not exist");

        ProvisioningException failure = PostgresAdmin.failure("Limiting the connections of PostgreSQL tenant",
                driverError, secret);

        assertThat(failure.getMessage()).startsWith("Limiting the connections of PostgreSQL tenant failed"
                + " (SQLState 42704): ").contains("alter role \"<redacted>\"").doesNotContain(secret);
        assertThat(printed(failure)).doesNotContain(secret).contains("role \"<redacted>\" does not exist");
        SQLException cause = (SQLException) failure.getCause();
        assertThat(cause.getSQLState()).isEqualTo("42704");
        assertThat((Object) cause.getNextException()).as("the batch's next exception, redacted too").isNotNull();
        cause.forEach(each -> assertThat(printed(each)).doesNotContain(secret));
    }

    private static String printed(Throwable failure) {
        java.io.StringWriter out = new java.io.StringWriter();
        failure.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }

    @Test
    void eachTenantWorksWithNothingButItsVariables() throws SQLException {
        Credentials app1 = provision("app1");
        Credentials app2 = provision("app2");

        for (Credentials app : List.of(app1, app2)) {
            try (Connection connection = connect(app); Statement sql = connection.createStatement()) {
                sql.execute("create table visits (id serial primary key, page text not null)");
                sql.execute("insert into visits (page) values ('/'), ('/about')");
                assertThat(queryString(sql, "select string_agg(page, ',' order by id) from visits"))
                        .isEqualTo("/,/about");
                assertThat(queryString(sql, "select current_user || '@' || current_database()"))
                        .isEqualTo(app.get("PGUSER").orElseThrow() + "@" + app.get("PGDATABASE").orElseThrow());
            }
        }
    }

    @Test
    void theDatabaseUrlLeadsToTheSameDatabaseAsThePgVariables() throws SQLException {
        Map<String, String> env = provision("urlapp").toMap();

        URI url = URI.create(env.get("DATABASE_URL"));
        String[] userInfo = url.getRawUserInfo().split(":", 2);
        Properties properties = new Properties();
        properties.setProperty("user", URLDecoder.decode(userInfo[0], StandardCharsets.UTF_8));
        properties.setProperty("password", URLDecoder.decode(userInfo[1], StandardCharsets.UTF_8));
        String jdbcUrl = "jdbc:postgresql://" + url.getHost() + ":" + url.getPort() + url.getPath();
        try (Connection connection = DriverManager.getConnection(jdbcUrl, properties);
                Statement sql = connection.createStatement()) {
            assertThat(queryString(sql, "select current_database()")).isEqualTo(env.get("PGDATABASE"));
        }
    }

    @Test
    void provisioningReportsTheServerVersion() {
        Binding binding = provider.provision(request("versionapp"), server.access());
        tenants.add("versionapp");

        assertThat(binding.values()).containsOnlyKeys("user", "password", "database", "serverVersion");
        assertThat(binding.require("serverVersion")).startsWith(VERSION + ".");
        assertThat(binding.require("user")).isEqualTo("versionapp");
        assertThat(binding.require("database")).isEqualTo("versionapp");
    }

    @Test
    void aTenantCannotConnectToAnotherTenantsDatabase() {
        Credentials app1 = provision("app1");
        provision("app2");

        assertThatThrownBy(() -> connect(app1, "app2"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("permission denied for database")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42501");
    }

    @Test
    void aTenantCannotConnectToTheMaintenanceOrTemplateDatabases() {
        Credentials app1 = provision("app1");

        for (String database : List.of("postgres", "template1")) {
            assertThatThrownBy(() -> connect(app1, database))
                    .isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42501");
        }
    }

    @Test
    void aTenantHasNoServerWidePrivilegesAndOwnsItsPublicSchemaAlone() throws SQLException {
        Credentials app1 = provision("app1");

        try (Connection connection = connect(app1); Statement sql = connection.createStatement()) {
            assertThat(queryString(sql, "select rolsuper or rolcreatedb or rolcreaterole or rolreplication"
                    + " or rolbypassrls from pg_roles where rolname = current_user")).isEqualTo("f");
            assertThat(queryString(sql, "select nspowner::regrole::text || ' ' || pg_get_userbyid(d.datdba)"
                    + " from pg_namespace, pg_database d where nspname = 'public' and d.datname = current_database()"))
                    .as("the public schema's owner, and the database's").isEqualTo("pg_database_owner app1");
            assertThat(queryString(sql, "select has_schema_privilege('public', 'create')")).isEqualTo("t");
            assertThat(queryString(sql, "select has_schema_privilege('public', 'public', 'usage')")).isEqualTo("f");
            assertThat(queryString(sql, "select has_database_privilege('public', 'app1', 'connect')")).isEqualTo("f");
            assertThatThrownBy(() -> sql.execute("create database other"))
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42501");
            assertThatThrownBy(() -> sql.execute("create role other"))
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42501");
        }
    }

    @Test
    void aWrongPasswordIsRefused() {
        Credentials app1 = provision("app1");
        Map<String, String> env = new HashMap<>(app1.toMap());
        env.put("PGPASSWORD", "not-the-password");

        assertThatThrownBy(() -> connect(env, env.get("PGDATABASE")))
                .isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("28P01");
    }

    @Test
    void deprovisioningATenantRemovesItsRoleAndDatabaseAndLeavesTheOthersWorking() throws SQLException {
        Credentials app1 = provision("app1");
        Credentials app2 = provision("app2");
        Connection openSession = connect(app1);

        provider.deprovision(request("app1"), Binding.of(), server.access());
        tenants.remove("app1");

        assertThat(openSession.isValid(2)).isFalse();
        openSession.close();
        try (Connection admin = PostgresAdmin.connect(server.access(), "postgres");
                Statement sql = admin.createStatement()) {
            assertThat(queryString(sql, "select count(*) from pg_roles where rolname = 'app1'")).isEqualTo("0");
            assertThat(queryString(sql, "select count(*) from pg_database where datname = 'app1'")).isEqualTo("0");
        }
        assertThatThrownBy(() -> connect(app1)).isInstanceOf(SQLException.class);
        try (Connection connection = connect(app2); Statement sql = connection.createStatement()) {
            assertThat(queryString(sql, "select 42")).isEqualTo("42");
        }
        provider.deprovision(request("app1"), Binding.of(), server.access());
    }

    @Test
    void provisioningAgainReplacesTheTenantWithAFreshOneAndANewPassword() throws SQLException {
        Credentials first = provision("app2");
        Connection oldSession = connect(first);
        try (Statement sql = oldSession.createStatement()) {
            sql.execute("create table leftover (id int)");
        }

        long started = System.nanoTime();
        Credentials second = provider.credentials(provider.provision(request("app2"), server.access()),
                server.access().endpoint());
        System.out.printf("re-provisioning app2 with an open session took %d ms%n",
                (System.nanoTime() - started) / 1_000_000);

        assertThat(second.get("PGPASSWORD")).isNotEqualTo(first.get("PGPASSWORD"));
        assertThat(oldSession.isValid(2)).isFalse();
        oldSession.close();
        assertThatThrownBy(() -> connect(first))
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("28P01");
        try (Connection connection = connect(second); Statement sql = connection.createStatement()) {
            assertThat(queryString(sql, "select count(*) from pg_tables where tablename = 'leftover'")).isEqualTo("0");
            sql.execute("create table fresh (id int)");
        }
    }

    @Test
    void tenantsProvisionedInParallelAllWork() throws Exception {
        List<String> names = List.of("par1", "par2", "par3", "par4");
        ExecutorService pool = Executors.newFixedThreadPool(names.size());
        try {
            List<Future<Credentials>> futures = new ArrayList<>();
            for (String name : names) {
                tenants.add(name);
                futures.add(pool.submit(() -> provider.credentials(provider.provision(request(name), server.access()),
                        server.access().endpoint())));
            }
            for (Future<Credentials> future : futures) {
                try (Connection connection = connect(future.get()); Statement sql = connection.createStatement()) {
                    assertThat(queryString(sql, "select 1")).isEqualTo("1");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private Credentials provision(String tenant) {
        long started = System.nanoTime();
        Binding binding = provider.provision(request(tenant), server.access());
        System.out.printf("provisioning %s took %d ms%n", tenant, (System.nanoTime() - started) / 1_000_000);
        tenants.add(tenant);
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

    private static Connection connect(Credentials credentials) throws SQLException {
        return connect(credentials.toMap(), credentials.get("PGDATABASE").orElseThrow());
    }

    private static Connection connect(Credentials credentials, String database) throws SQLException {
        return connect(credentials.toMap(), database);
    }

    /** A connection made from the libpq variables alone, as an app would. */
    static Connection connect(Map<String, String> env, String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", env.get("PGUSER"));
        properties.setProperty("password", env.get("PGPASSWORD"));
        return DriverManager.getConnection(
                "jdbc:postgresql://" + env.get("PGHOST") + ":" + env.get("PGPORT") + "/" + database, properties);
    }

    static String queryString(Statement sql, String query) throws SQLException {
        try (ResultSet rs = sql.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
