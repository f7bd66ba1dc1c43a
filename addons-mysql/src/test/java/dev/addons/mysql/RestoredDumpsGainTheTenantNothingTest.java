package dev.addons.mysql;

import static dev.addons.mysql.AppConnections.queryAll;
import static dev.addons.mysql.AppConnections.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.TenantRequest;
import dev.addons.testkit.RuntimeServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A dump is the archive's SQL, which whoever made the archive wrote: a restore loads it as the
 * target tenant's user, with the {@code mysql} client kept from running client commands and
 * from reading local files, so a crafted dump gains the tenant nothing it could not do itself.
 * Each dump here loads a table, then tries one escalation; every one of them fails the restore,
 * and afterwards the tenant's grants, the server's users, the admin's password, the host's files
 * and the tenant's data are as they were. On MariaDB 10.11 from Debian on the process runtime,
 * whose {@code mysql} client runs as this JVM's user.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestoredDumpsGainTheTenantNothingTest {
    private static final String TENANT = "victim";

    private final MysqlProvider provider = new MysqlProvider();
    private RuntimeServer server;
    private Binding tenant;

    @TempDir
    Path files;

    @BeforeAll
    void startServer() throws Exception {
        server = RuntimeServer.onProcess(provider, new MysqlUnderTest().processVersion());
    }

    @AfterAll
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void provisionTenant() throws SQLException {
        tenant = provider.provision(request(), server.access());
        try (Connection connection = connectAsTenant(); Statement sql = connection.createStatement()) {
            sql.execute("create table kept (id int primary key)");
            sql.execute("insert into kept values (1), (2), (3)");
        }
    }

    @AfterEach
    void deprovisionTenant() throws SQLException {
        provider.deprovision(request(), Binding.of(), server.access());
        try (Connection admin = MysqlAdmin.connect(server.access()); Statement sql = admin.createStatement()) {
            sql.execute("drop user if exists 'addons_evil'@'%'");
        }
    }

    /** Each escalation a dump might try, given the tenant's user, the admin's account and a path on this host. */
    static Stream<Arguments> attacks() {
        return Stream.of(
                attack("a grant of every privilege on every database to the tenant", (user, admin, file) ->
                        "grant all privileges on *.* to '" + user + "'@'%' with grant option;"),
                attack("a new user", (user, admin, file) ->
                        "create user 'addons_evil'@'%' identified by 'evil';"),
                attack("a new password for the admin", (user, admin, file) ->
                        "set password for " + admin + " = password('owned');"),
                attack("a direct write to the privilege tables", (user, admin, file) ->
                        "insert into mysql.global_priv (host, user, priv) values ('%', 'addons_evil', '{}');"),
                attack("a role switch", (user, admin, file) ->
                        "set role " + admin.substring(0, admin.indexOf('@')) + ";"),
                attack("a procedure defined as the admin's, running with its rights", (user, admin, file) ->
                        "delimiter ;;\n"
                        + "create definer=" + admin + " procedure escalate() sql security definer\n"
                        + "begin grant all privileges on *.* to '" + user + "'@'%'; end;;\n"
                        + "delimiter ;\n"
                        + "call escalate();"),
                attack("a trigger defined as the admin's", (user, admin, file) ->
                        "create definer=" + admin + " trigger escalate after insert on loaded for each row"
                        + " insert into mysql.global_priv (host, user, priv) values ('%', 'addons_evil', '{}');"
                        + "\ninsert into loaded values (2);"),
                attack("a shell command for the client", (user, admin, file) ->
                        "system touch " + file + "\n\\! touch " + file + "\n"),
                attack("a host file read by the client", (user, admin, file) ->
                        "create table stolen (line text);\n"
                        + "load data local infile '" + file + ".secret' into table stolen;"),
                attack("a server file written", (user, admin, file) ->
                        "select 'owned' into outfile '" + file + "';"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void aCraftedDumpFailsToRestoreAndLeavesEverythingAsItWas(String attack, Attack dump) throws Exception {
        Path marker = files.resolve("ran-" + System.nanoTime());
        Files.writeString(Path.of(marker + ".secret"), "the host's secret\n");
        String user = tenant.require(MysqlCredentials.USER);
        String admin = adminAccount();
        List<String> grantsBefore = grants(user);
        List<String> usersBefore = users();
        String sql = "create table loaded (id int primary key);\ninsert into loaded values (1);\n"
                + dump.sql(user, admin, marker) + "\n";

        assertThatThrownBy(() -> provider.restore(request(), tenant, server.access(), server.tools(),
                new ByteArrayInputStream(sql.getBytes(StandardCharsets.UTF_8))))
                .as(attack)
                .isInstanceOf(ProvisioningException.class)
                .hasMessageContaining("Restoring MySQL tenant '" + TENANT + "'")
                .hasMessageContaining("its data is unchanged")
                // The client's own error, past the two lines that load: the attack was refused.
                .hasMessageMatching("(?s).*ERROR( \\d+ \\(\\w+\\))? at line [3-9]: .*")
                .hasMessageNotContaining(server.access().adminPassword())
                .hasMessageNotContaining(tenant.require(MysqlCredentials.PASSWORD));

        assertThat(grants(user)).as("the tenant's grants").isEqualTo(grantsBefore);
        assertThat(users()).as("the server's users").isEqualTo(usersBefore);
        assertThat(marker).as("a file written by the client or the server").doesNotExist();
        try (Connection connection = MysqlAdmin.connect(server.access())) {
            assertThat(connection.isValid(5)).as("the admin still logs in with its password").isTrue();
        }
        try (Connection connection = connectAsTenant(); Statement tenantSql = connection.createStatement()) {
            assertThat(queryAll(tenantSql, "show tables")).containsExactly("kept");
            assertThat(queryString(tenantSql, "select group_concat(id order by id) from kept")).isEqualTo("1,2,3");
            assertThat(queryAll(tenantSql, "show databases")).as("what the tenant can see")
                    .containsExactlyInAnyOrder("information_schema", TENANT);
        }
    }

    /** The same load without an escalation restores: the refusals above are the attacks'. */
    @Test
    void theSameDumpWithoutAnEscalationRestores() throws SQLException {
        String sql = "create table loaded (id int primary key);\ninsert into loaded values (1);\n";

        provider.restore(request(), tenant, server.access(), server.tools(),
                new ByteArrayInputStream(sql.getBytes(StandardCharsets.UTF_8)));

        try (Connection connection = connectAsTenant(); Statement tenantSql = connection.createStatement()) {
            assertThat(queryAll(tenantSql, "show tables")).containsExactly("loaded");
        }
    }

    /** The SQL of one escalation. */
    @FunctionalInterface
    interface Attack {
        String sql(String tenantUser, String adminUser, Path file) throws IOException;
    }

    private static Arguments attack(String name, Attack sql) {
        return Arguments.of(name, sql);
    }

    private List<String> grants(String user) throws SQLException {
        try (Connection admin = MysqlAdmin.connect(server.access()); Statement sql = admin.createStatement()) {
            return queryAll(sql, "show grants for '" + user + "'@'%'").stream()
                    .map(grant -> grant.replaceAll("IDENTIFIED BY PASSWORD '[^']*'", "IDENTIFIED BY PASSWORD <hash>"))
                    .toList();
        }
    }

    /** The admin's account as its sessions have it, quoted: {@code 'root'@'127.0.0.1'}. */
    private String adminAccount() throws SQLException {
        try (Connection admin = MysqlAdmin.connect(server.access()); Statement sql = admin.createStatement()) {
            String account = queryString(sql, "select current_user()");
            int at = account.lastIndexOf('@');
            return "'" + account.substring(0, at) + "'@'" + account.substring(at + 1) + "'";
        }
    }

    private List<String> users() throws SQLException {
        try (Connection admin = MysqlAdmin.connect(server.access()); Statement sql = admin.createStatement()) {
            return queryAll(sql, "select concat(user, '@', host, ' ', sha2(priv, 256))"
                    + " from mysql.global_priv order by user, host");
        }
    }

    private Connection connectAsTenant() throws SQLException {
        Map<String, String> variables = provider.credentials(tenant, server.access().endpoint()).toMap();
        return AppConnections.connect(variables, variables.get("MYSQL_DATABASE"));
    }

    private static TenantRequest request() {
        return TenantRequest.builder()
                .addonId("addon-" + TENANT)
                .app(TENANT, "test")
                .variant("shared", true)
                .tenant(TENANT)
                .build();
    }
}
