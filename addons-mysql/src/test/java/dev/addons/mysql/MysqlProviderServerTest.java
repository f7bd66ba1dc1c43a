package dev.addons.mysql;

import static dev.addons.mysql.AppConnections.queryAll;
import static dev.addons.mysql.AppConnections.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.addons.api.Credentials;
import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.Secrets;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.TenantRequest;
import dev.addons.testkit.ProviderServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider against a real server it describes itself: MySQL 8 as MariaDB from Debian's
 * package, run by the process runtime ({@link ProviderServer}) and shared by the tests the way a
 * shared-variant server is shared by apps. Apps connect with Connector/J and their variables only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MysqlProviderServerTest {

    private final MysqlProvider provider = new MysqlProvider();
    private final List<String> tenants = new ArrayList<>();
    private ProviderServer server;

    @BeforeAll
    void startServer() throws Exception {
        server = ProviderServer.start(provider, "8");
    }

    @AfterAll
    void stopServer() throws Exception {
        if (server != null) {
            List<ProcessHandle> processes = server.processes();
            assertThat(processes).isNotEmpty();
            server.close();
            assertThat(processes).noneMatch(ProcessHandle::isAlive);
            assertThat(server.directory()).doesNotExist();
        }
    }

    @AfterEach
    void deprovisionTenants() {
        tenants.forEach(tenant -> provider.deprovision(request(tenant), Binding.of(), server.access()));
        tenants.clear();
    }

    @Test
    void aServerErrorQuotingASecretLeavesItInNoPartOfTheFailureWhichKeepsTheRedactedCause() throws SQLException {
        String secret = Secrets.random(32);
        BatchUpdateException driverError;
        try (Connection admin = MysqlAdmin.connect(server.access()); Statement sql = admin.createStatement()) {
            sql.addBatch("alter user '" + secret + "'@'%' account lock");
            driverError = catchThrowableOfType(sql::executeBatch, BatchUpdateException.class);
        }
        assertThat(printed(driverError)).as("the server quotes the user").contains("'" + secret + "'@'%'");

        ProvisioningException failure = MysqlAdmin.failure("Locking MySQL tenant", driverError, secret);

        assertThat(failure.getMessage()).startsWith("Locking MySQL tenant failed (SQLState HY000, error 1396): ")
                .contains("'<redacted>'@'%'").doesNotContain(secret);
        assertThat(printed(failure)).doesNotContain(secret);
        assertThat(failure.getCause().getCause()).as("the driver's cause, kept as a redacted copy")
                .isNotNull().hasMessageContaining("'<redacted>'@'%'");
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
                sql.execute("create table visits (id int auto_increment primary key, page varchar(100) not null)");
                sql.execute("insert into visits (page) values ('/'), ('/about')");
                assertThat(queryString(sql, "select group_concat(page order by id) from visits")).isEqualTo("/,/about");
                assertThat(queryString(sql, "select concat(current_user(), ' ', database())"))
                        .isEqualTo(app.get("MYSQL_USER").orElseThrow() + "@% " + app.get("MYSQL_DATABASE").orElseThrow());
            }
        }
    }

    @Test
    void theDatabaseUrlLeadsToTheSameDatabaseAsTheMysqlVariables() throws SQLException {
        Map<String, String> env = provision("urlapp").toMap();

        URI url = URI.create(env.get("DATABASE_URL"));
        assertThat(url.getScheme()).isEqualTo("mysql");
        String[] userInfo = url.getRawUserInfo().split(":", 2);
        Properties properties = new Properties();
        properties.setProperty("user", URLDecoder.decode(userInfo[0], StandardCharsets.UTF_8));
        properties.setProperty("password", URLDecoder.decode(userInfo[1], StandardCharsets.UTF_8));
        String jdbcUrl = "jdbc:mysql://" + url.getHost() + ":" + url.getPort() + url.getPath();
        try (Connection connection = DriverManager.getConnection(jdbcUrl, properties);
                Statement sql = connection.createStatement()) {
            assertThat(queryString(sql, "select database()")).isEqualTo(env.get("MYSQL_DATABASE"));
        }
    }

    @Test
    void provisioningKeepsTheVersionOfTheServerThatReallyRuns() {
        Binding binding = provider.provision(request("versionapp"), server.access());
        tenants.add("versionapp");

        assertThat(binding.values()).containsOnlyKeys("user", "password", "database", "serverVersion");
        assertThat(binding.require("serverVersion")).startsWith("10.11.").contains("MariaDB");
        assertThat(binding.require("user")).isEqualTo("versionapp");
        assertThat(binding.require("database")).isEqualTo("versionapp");
    }

    @Test
    void aTenantCannotOpenOrListAnotherTenantsDatabase() throws SQLException {
        Credentials app1 = provision("app1");
        provision("app2");

        assertThatThrownBy(() -> connect(app1, "app2"))
                .isInstanceOf(SQLException.class)
                .hasMessage("Access denied for user 'app1'@'%' to database 'app2'")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42000");
        try (Connection connection = connect(app1); Statement sql = connection.createStatement()) {
            assertThatThrownBy(() -> sql.execute("select * from app2.anything"))
                    .extracting(e -> ((SQLException) e).getErrorCode()).isIn(1044, 1142);
            assertThat(queryAll(sql, "show databases")).containsExactlyInAnyOrder("information_schema", "app1");
        }
    }

    @Test
    void anUnderscoreInATenantsNameGrantsNoDatabaseItWouldMatchAsAWildcard() throws SQLException {
        Credentials underscore = provision("a_b");
        Credentials other = provision("axb");

        try (Connection connection = connect(other); Statement sql = connection.createStatement()) {
            sql.execute("create table secrets (v varchar(20))");
        }
        assertThatThrownBy(() -> connect(underscore, "axb"))
                .isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getErrorCode()).isEqualTo(1044);
    }

    @Test
    void aTenantHoldsAllPrivilegesOnItsDatabaseAndNothingElse() throws SQLException {
        Credentials app1 = provision("app1");

        try (Connection connection = connect(app1); Statement sql = connection.createStatement()) {
            assertThat(queryAll(sql, "show grants")).hasSize(2)
                    .anyMatch(grant -> grant.startsWith("GRANT USAGE ON *.* TO `app1`@`%`"))
                    .contains("GRANT ALL PRIVILEGES ON `app1`.* TO `app1`@`%`");
            assertThatThrownBy(() -> sql.execute("create database other"))
                    .extracting(e -> ((SQLException) e).getErrorCode()).isEqualTo(1044);
            assertThatThrownBy(() -> sql.execute("create user other"))
                    .extracting(e -> ((SQLException) e).getErrorCode()).isEqualTo(1227);
            assertThatThrownBy(() -> sql.execute("select * from mysql.user"))
                    .extracting(e -> ((SQLException) e).getErrorCode()).isEqualTo(1142);
            assertThat(queryString(sql, "select count(*) from information_schema.processlist"
                    + " where user <> substring_index(current_user(), '@', 1)")).isEqualTo("0");
        }
    }

    @Test
    void theServerHasNoAccountWithoutAPasswordAndNoAnonymousOne() throws SQLException {
        Map<String, String> noPassword = Map.of("MYSQL_HOST", "127.0.0.1",
                "MYSQL_PORT", Integer.toString(server.access().endpoint().port()), "MYSQL_USER", "root",
                "MYSQL_PASSWORD", "");

        try (Connection admin = MysqlAdmin.connect(server.access()); Statement sql = admin.createStatement()) {
            assertThat(queryAll(sql, "select concat(user, '@', host) from mysql.user"))
                    .containsExactlyInAnyOrder("root@127.0.0.1", "root@localhost", "mariadb.sys@localhost");
            assertThat(queryString(sql, "select count(*) from mysql.user where user = 'root'"
                    + " and (authentication_string = '' or plugin <> 'mysql_native_password')")).isEqualTo("0");
        }
        assertThatThrownBy(() -> AppConnections.connect(noPassword, "")).isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getErrorCode()).isEqualTo(1045);
        assertThatThrownBy(() -> AppConnections.connect(Map.of("MYSQL_HOST", "127.0.0.1",
                "MYSQL_PORT", noPassword.get("MYSQL_PORT"), "MYSQL_USER", "", "MYSQL_PASSWORD", ""), ""))
                .isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getErrorCode()).isEqualTo(1045);
    }

    @Test
    void theServerListensOnLoopbackWithoutNameLookupsAndKeepsItsSocketInTheRunDirectory() throws SQLException {
        ServerAccess access = server.access();
        try (Connection admin = MysqlAdmin.connect(access); Statement sql = admin.createStatement()) {
            assertThat(queryString(sql, "select concat_ws(' ', @@bind_address, @@port, @@skip_name_resolve,"
                    + " @@character_set_server, @@local_infile, @@socket)"))
                    .isEqualTo("127.0.0.1 " + access.endpoint().port() + " ON utf8mb4 OFF ../run/mysqld.sock");
        }
        assertThat(server.directory().resolve("run/mysqld.sock")).exists();
        assertThat(server.directory().resolve("run/accounts.sql")).doesNotExist();
    }

    @Test
    void noPasswordIsWrittenToAnyFileOfTheServerNorToItsLog() throws IOException {
        Credentials app1 = provision("app1");
        String tenantPassword = app1.get("MYSQL_PASSWORD").orElseThrow();

        List<Path> files;
        try (Stream<Path> walk = Files.walk(server.directory())) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).contains(server.directory().resolve("server.log"));
        for (Path file : files) {
            String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            assertThat(content).as(file.toString()).doesNotContain(server.access().adminPassword(), tenantPassword);
        }
    }

    @Test
    void aServerStartsInAHomeTooDeepForAnAbsoluteSocketPath(@TempDir Path directory) throws Exception {
        // As root, the engine user passes through the test's directory to its own.
        Files.setPosixFilePermissions(directory, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        Path deep = Files.createDirectories(directory.resolve("d".repeat(100)));

        try (ProviderServer deepServer = ProviderServer.start(provider, "8", deep)) {
            Path socket = deepServer.directory().resolve("run/mysqld.sock");
            assertThat(socket.toString()).hasSizeGreaterThan(107);
            assertThat(socket).exists();
            MysqlAdmin.checkReady(deepServer.access());
        }
    }

    @Test
    void aWrongPasswordIsRefused() {
        Credentials app1 = provision("app1");
        Map<String, String> env = new HashMap<>(app1.toMap());
        env.put("MYSQL_PASSWORD", "not-the-password");

        assertThatThrownBy(() -> AppConnections.connect(env, env.get("MYSQL_DATABASE")))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28000"))
                .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1045));
    }

    @Test
    void aLongTenantNameGetsAShortenedUserThatWorks() throws SQLException {
        String tenant = "a_rather_long_application_name__staging";
        Credentials app = provision(tenant);

        String user = app.get("MYSQL_USER").orElseThrow();
        assertThat(user).hasSize(32).startsWith("a_rather_long_applica-");
        assertThat(app.get("MYSQL_DATABASE")).contains(tenant);
        try (Connection connection = connect(app); Statement sql = connection.createStatement()) {
            assertThat(queryString(sql, "select database()")).isEqualTo(tenant);
        }
    }

    @Test
    void deprovisioningATenantEndsItsSessionsRemovesItsUserAndDatabaseAndLeavesTheOthersWorking()
            throws SQLException {
        Credentials app1 = provision("app1");
        Credentials app2 = provision("app2");
        Connection openSession = connect(app1);

        provider.deprovision(request("app1"), Binding.of(), server.access());
        tenants.remove("app1");

        assertThat(openSession.isValid(2)).isFalse();
        openSession.close();
        try (Connection admin = MysqlAdmin.connect(server.access()); Statement sql = admin.createStatement()) {
            assertThat(queryString(sql, "select count(*) from mysql.user where user = 'app1'")).isEqualTo("0");
            assertThat(queryString(sql, "select count(*) from information_schema.schemata where schema_name = 'app1'"))
                    .isEqualTo("0");
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

        assertThat(second.get("MYSQL_PASSWORD")).isNotEqualTo(first.get("MYSQL_PASSWORD"));
        assertThat(oldSession.isValid(2)).isFalse();
        oldSession.close();
        assertThatThrownBy(() -> connect(first))
                .extracting(e -> ((SQLException) e).getErrorCode()).isEqualTo(1045);
        try (Connection connection = connect(second); Statement sql = connection.createStatement()) {
            assertThat(queryAll(sql, "show tables")).isEmpty();
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
        return AppConnections.connect(credentials.toMap(), credentials.get("MYSQL_DATABASE").orElseThrow());
    }

    private static Connection connect(Credentials credentials, String database) throws SQLException {
        return AppConnections.connect(credentials.toMap(), database);
    }
}
