package dev.addons.mysql;

import static dev.addons.mysql.AppConnections.connect;
import static dev.addons.mysql.AppConnections.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.ProvisioningException;
import dev.addons.api.Status;
import dev.addons.api.spi.ServerAccess;
import dev.addons.core.Addons;
import dev.addons.core.AppFile;
import dev.addons.core.ServerInfo;
import dev.addons.testkit.DatabaseUrl;
import dev.addons.testkit.ProviderServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * An external MariaDB server (Debian's, as the process runtime runs version {@code 8}), started in
 * a home of its own ({@link ProviderServer}) and registered in another home that never runs a
 * server: two apps' shared addons get a database and user each on it and cannot reach each
 * other's; destroy drops only those, and the server and a database its admin made keep going.
 * What a home did not make there is neither dropped nor taken over, and a server serving TLS from
 * a CA made by {@code openssl} is reached verified, by addons and by the tenants' clients.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExternalMariadbServerTest {
    /** The cipher of the session's TLS, empty without TLS. */
    private static final String SSL_CIPHER = "select variable_value from information_schema.session_status"
            + " where variable_name = 'Ssl_cipher'";

    private ProviderServer external;

    @TempDir
    Path home;

    @BeforeAll
    void startTheExternalServer() throws Exception {
        external = ProviderServer.start(new MysqlProvider(), "8");
    }

    @AfterAll
    void stopTheExternalServer() throws Exception {
        if (external != null) {
            List<ProcessHandle> processes = external.processes();
            external.close();
            assertThat(processes).noneMatch(ProcessHandle::isAlive);
        }
    }

    @Test
    void twoAppsShareTheExternalServerWithoutReachingEachOtherAndDestroyLeavesTheServerAlone() throws Exception {
        try (Connection admin = MysqlAdmin.connect(external.access()); Statement sql = admin.createStatement()) {
            sql.execute("create database theirs");
            sql.execute("create table theirs.kept (v varchar(20))");
            sql.execute("insert into theirs.kept values ('still here')");
        }
        String url = "mysql://" + external.access().adminUser() + ":" + external.access().adminPassword() + "@"
                + external.access().endpoint() + "/";
        try (Addons addons = Addons.builder().home(home).runtime("process").automaticBackups(false).build()) {
            addons.registerServer("maria", "mysql", url);
            AppFile shop = AppFile.parse("name = \"shop\"\n[addons.mysql]\nvariant = \"shared\"\n"
                    + "server = \"maria\"\n", "shop.toml");
            addons.deploy(shop, "production");
            addons.deploy(shop, "staging");
            AddonRecord blog = addons.app("blog", "production").create(
                    AddonSpec.parse("mysql:shared").withServer("maria"));
            assertThat(blog.status()).isEqualTo(Status.ACTIVE);
            assertThat(blog.runtime()).isEqualTo("external");
            assertThat(home.resolve("servers")).as("no server of the home's own").doesNotExist();

            Map<String, String> shopVars = addons.app("shop", "production").env().toMap();
            Map<String, String> stagingVars = addons.app("shop", "staging").env().toMap();
            Map<String, String> blogVars = addons.app("blog", "production").env().toMap();
            assertThat(stagingVars.get("MYSQL_DATABASE")).isNotEqualTo(shopVars.get("MYSQL_DATABASE"));
            assertThat(List.of(shopVars, stagingVars, blogVars)).allSatisfy(vars -> {
                String database = vars.get("MYSQL_DATABASE");
                try (Connection app = connect(vars, database); Statement sql = app.createStatement()) {
                    sql.execute("create table t (v varchar(40))");
                    sql.execute("insert into t values ('" + database + "')");
                    assertThat(queryString(sql, "select v from t")).isEqualTo(database);
                }
            });
            // 1044: access denied for the user to that database.
            assertThatThrownBy(() -> connect(shopVars, blogVars.get("MYSQL_DATABASE")).close())
                    .isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getErrorCode()).isEqualTo(1044);
            assertThatThrownBy(() -> connect(blogVars, "theirs").close())
                    .isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getErrorCode()).isEqualTo(1044);
            assertThat(addons.servers()).singleElement().extracting(ServerInfo::tenants).asList()
                    .containsExactlyInAnyOrder("shop/production", "shop/staging", "blog/production");
            assertThatThrownBy(() -> addons.removeServer("maria")).isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining("shop/production");

            String databases = "'" + String.join("', '", shopVars.get("MYSQL_DATABASE"),
                    stagingVars.get("MYSQL_DATABASE"), blogVars.get("MYSQL_DATABASE")) + "'";
            String users = "'" + String.join("', '", shopVars.get("MYSQL_USER"), stagingVars.get("MYSQL_USER"),
                    blogVars.get("MYSQL_USER")) + "'";
            try (Connection admin = MysqlAdmin.connect(external.access()); Statement sql = admin.createStatement()) {
                assertThat(queryString(sql, "select count(*) from information_schema.schemata where schema_name in ("
                        + databases + ")")).isEqualTo("3");
                assertThat(queryString(sql, "select count(*) from mysql.user where user in (" + users + ")"))
                        .isEqualTo("3");
            }
            for (AddonRecord record : addons.listAll()) {
                // addons cannot back up an external server's tenant: the data goes, as asked.
                addons.app(record.app(), record.environment())
                        .destroy(record.addon(), dev.addons.core.FinalBackup.SKIP);
            }
            assertThat(external.processes()).as("the external server after its last tenant left")
                    .isNotEmpty().allMatch(ProcessHandle::isAlive);
            try (Connection admin = MysqlAdmin.connect(external.access()); Statement sql = admin.createStatement()) {
                assertThat(queryString(sql, "select v from theirs.kept")).isEqualTo("still here");
                assertThat(queryString(sql, "select count(*) from information_schema.schemata where schema_name in ("
                        + databases + ")")).isEqualTo("0");
                assertThat(queryString(sql, "select count(*) from mysql.user where user in (" + users + ")"))
                        .isEqualTo("0");
                assertThat(queryString(sql, "select count(*) from " + MysqlMarks.TABLE + " where name in ("
                        + databases + ", " + users + ")")).as("the marks go with what they marked").isEqualTo("0");
                sql.execute("drop database theirs");
            }
            addons.removeServer("maria");
            assertThat(addons.servers()).isEmpty();
        }
    }

    @Test
    void aDatabaseOrUserThisHomeDidNotMakeIsNeitherDroppedNorTakenOverAndTwoHomesNeverTakeEachOthers(
            @TempDir Path otherHome) throws Exception {
        String endpoint = external.access().endpoint().toString();
        try (Connection admin = MysqlAdmin.connect(external.access()); Statement sql = admin.createStatement()) {
            sql.execute("create user victim@'%' identified by 'victim-pw-123'");
            sql.execute("create database victim");
            sql.execute("create table victim.kept (v varchar(20))");
            sql.execute("insert into victim.kept values ('still here')");
            sql.execute("grant all on victim.* to victim@'%'");
            sql.execute("create user lonely@localhost identified by 'lonely-pw-123'");
            sql.execute("create database solo");
        }
        try (Addons addons = Addons.builder().home(home).runtime("process").automaticBackups(false).build();
                Addons other = Addons.builder().home(otherHome).runtime("process").automaticBackups(false).build()) {
            addons.registerServer("maria", "mysql", adminUrl(external));
            other.registerServer("maria", "mysql", adminUrl(external));
            AddonSpec onMaria = AddonSpec.parse("mysql:shared").withServer("maria");
            String homeMark = "addons:" + Files.readString(home.resolve("state/home-id")).strip();

            assertThatThrownBy(() -> addons.app("victim", "production").create(onMaria))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining("MySQL tenant 'victim' on " + endpoint + ": this addons home did not make"
                            + " the user 'victim'@'%' and the database 'victim', so addons leaves them alone (it"
                            + " records what it makes in addons_catalog.objects, as '" + homeMark + "'). Give the app"
                            + " or environment another name, or have the server's owner drop or rename them");
            assertThatThrownBy(() -> addons.app("lonely", "production").create(onMaria))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining("MySQL tenant 'lonely' on " + endpoint + ": this addons home did not make"
                            + " the user 'lonely'@'localhost', so addons leaves it alone");
            assertThatThrownBy(() -> addons.app("solo", "production").create(onMaria))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining(": this addons home did not make the database 'solo', so addons leaves it"
                            + " alone");
            try (Connection victim = connect(Map.of("MYSQL_HOST", external.access().endpoint().host(),
                    "MYSQL_PORT", Integer.toString(external.access().endpoint().port()),
                    "MYSQL_USER", "victim", "MYSQL_PASSWORD", "victim-pw-123"), "victim");
                    Statement sql = victim.createStatement()) {
                assertThat(queryString(sql, "select v from kept")).as("their data and password").isEqualTo("still here");
            }

            addons.app("shop", "production").create(onMaria);
            try (Connection admin = MysqlAdmin.connect(external.access()); Statement sql = admin.createStatement()) {
                assertThat(AppConnections.queryAll(sql, "select concat_ws(' ', home, kind, name, created is not null)"
                        + " from " + MysqlMarks.TABLE + " order by kind")).containsExactly(
                                homeMark + " database shop 1", homeMark + " user shop 1");
                // Claimed by a home that has not made it yet, or whose object the server's owner dropped.
                sql.execute("insert into " + MysqlMarks.TABLE + " (home, kind, name) values"
                        + " ('addons:00000000000000ff', 'database', 'ghost')");
            }
            assertThatThrownBy(() -> addons.app("ghost", "production").create(onMaria))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining(": this addons home did not make the database name 'ghost' (claimed by"
                            + " addons:00000000000000ff), so addons leaves it alone");
            assertThatThrownBy(() -> other.app("shop", "production").create(onMaria))
                    .as("another home on another host, with the same server registered")
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining("this addons home did not make the user 'shop'@'%' (made by " + homeMark
                            + ") and the database 'shop' (made by " + homeMark + "), so addons leaves them alone");
            Map<String, String> shop = addons.app("shop", "production").env().toMap();
            try (Connection app = connect(shop, "shop"); Statement sql = app.createStatement()) {
                sql.execute("create table t (v varchar(20))");
                sql.execute("insert into t values ('shop data')");
                // 1142: the command is denied to the tenant on that table.
                assertThatThrownBy(() -> sql.execute("delete from " + MysqlMarks.TABLE))
                        .as("a tenant cannot move a mark").isInstanceOf(SQLException.class)
                        .extracting(e -> ((SQLException) e).getErrorCode()).isEqualTo(1142);
            }
            // The failed addons' records are destroyed: what is on the server is not theirs to drop.
            other.app("shop", "production").destroy("mysql", dev.addons.core.FinalBackup.SKIP);
            for (String app : List.of("victim", "lonely", "solo", "ghost")) {
                addons.app(app, "production").destroy("mysql", dev.addons.core.FinalBackup.SKIP);
            }
            try (Connection admin = MysqlAdmin.connect(external.access()); Statement sql = admin.createStatement()) {
                assertThat(queryString(sql, "select v from victim.kept")).isEqualTo("still here");
                assertThat(AppConnections.queryAll(sql, "select concat(user, '@', host) from mysql.user"
                        + " where user in ('victim', 'lonely', 'shop') order by user"))
                        .containsExactly("lonely@localhost", "shop@%", "victim@%");
                assertThat(AppConnections.queryAll(sql, "select schema_name from information_schema.schemata"
                        + " where schema_name in ('victim', 'solo', 'shop') order by 1"))
                        .containsExactly("shop", "solo", "victim");
                assertThat(queryString(sql, "select count(*) from " + MysqlMarks.TABLE)).isEqualTo("3");
            }
            try (Connection app = connect(shop, "shop"); Statement sql = app.createStatement()) {
                assertThat(queryString(sql, "select v from t")).isEqualTo("shop data");
            }

            addons.app("shop", "production").destroy("mysql", dev.addons.core.FinalBackup.SKIP);
            try (Connection admin = MysqlAdmin.connect(external.access()); Statement sql = admin.createStatement()) {
                assertThat(queryString(sql, "select count(*) from mysql.user where user = 'shop'")
                        + queryString(sql, "select count(*) from information_schema.schemata where schema_name = 'shop'")
                        + queryString(sql, "select count(*) from " + MysqlMarks.TABLE + " where name = 'shop'"))
                        .as("the marked user and database, and their marks, are gone").isEqualTo("000");
            }
            assertThat(other.listAll()).isEmpty();
            other.removeServer("maria");
            addons.removeServer("maria");
        } finally {
            try (Connection admin = MysqlAdmin.connect(external.access()); Statement sql = admin.createStatement()) {
                sql.execute("drop user if exists victim@'%', lonely@localhost");
                sql.execute("drop database if exists victim");
                sql.execute("drop database if exists solo");
                sql.execute("delete from " + MysqlMarks.TABLE + " where name = 'ghost'");
            }
        }
    }

    @Test
    void aServerRegisteredWithVerifiedTlsServesTheAdminAndTheTenantsOverIt(@TempDir Path tls) throws Exception {
        Path ca = MysqlTls.authority(tls, "ca");
        Path otherCa = MysqlTls.authority(tls, "other-ca");
        MysqlTls.serverCertificate(tls, "ca");
        try (ProviderServer serving = MysqlTls.server(tls);
                Addons addons = Addons.builder().home(home).runtime("process").automaticBackups(false).build()) {
            String verifying = adminUrl(serving) + "?sslMode=VERIFY_IDENTITY";
            assertThatThrownBy(() -> addons.registerServer("tls-db", "mysql", verifying,
                    new ServerAccess.External(false, otherCa)))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining("no mysql server accepted user root at " + serving.access().endpoint())
                    .hasMessageEndingWith("whose TLS certificate names the host 127.0.0.1 and is signed by a CA in"
                            + " --ca-file " + otherCa)
                    .hasMessageNotContaining(serving.access().adminPassword());
            assertThatThrownBy(() -> addons.registerServer("tls-db", "mysql", verifying))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessageStartingWith("--url asks for verified TLS: add --ca-file FILE");
            assertThatThrownBy(() -> addons.registerServer("tls-db", "mysql", adminUrl(serving),
                    new ServerAccess.External(false, ca)))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessageContaining("needs a URL that asks for verified TLS");

            ServerInfo registered = addons.registerServer("tls-db", "mysql", verifying,
                    new ServerAccess.External(false, ca));
            assertThat(registered.tlsCaFile()).contains(ca);
            ServerAccess verified = new ServerAccess("tls-db", serving.access().endpoint(), "root",
                    serving.access().adminPassword(), Map.of(), "addons:0000000000000001",
                    new ServerAccess.External(false, ca));
            try (Connection admin = MysqlAdmin.connect(verified); Statement sql = admin.createStatement()) {
                assertThat(queryString(sql, SSL_CIPHER)).as("the admin's session")
                        .isNotEmpty();
            }
            addons.app("shop", "production").create(AddonSpec.parse("mysql:shared").withServer("tls-db"));
            Map<String, String> vars = addons.app("shop", "production").env().toMap();
            assertThat(vars).containsEntry("MYSQL_SSL_MODE", "VERIFY_IDENTITY").containsEntry("MYSQL_SSL_CA",
                    ca.toString());
            assertThat(vars.get("DATABASE_URL")).endsWith("/shop?sslMode=VERIFY_IDENTITY");

            // The mariadb client with the tenant's variables alone; with another CA it refuses the server.
            assertThat(mariadbClient(vars, vars.get("MYSQL_SSL_CA"))).as("the session's cipher").isNotBlank();
            assertThatThrownBy(() -> mariadbClient(vars, otherCa.toString())).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("certificate");
            // Connector/J with DATABASE_URL: verified against a trust store of MYSQL_SSL_CA, as an app makes it,
            // and refused (never unverified) without one: the JVM's own CAs did not sign the certificate.
            DatabaseUrl jdbc = DatabaseUrl.toJdbc("DATABASE_URL", vars.get("DATABASE_URL"));
            java.util.Properties properties = new java.util.Properties();
            properties.setProperty("user", jdbc.user());
            properties.setProperty("password", jdbc.password());
            try (MysqlTrustStore trust = MysqlTrustStore.of(Path.of(vars.get("MYSQL_SSL_CA")))) {
                trust.configure(properties);
                try (Connection app = DriverManager.getConnection(jdbc.jdbcUrl(), properties);
                        Statement sql = app.createStatement()) {
                    assertThat(queryString(sql, SSL_CIPHER)).isNotEmpty();
                }
            }
            properties.keySet().removeIf(key -> key.toString().startsWith("trustCertificateKeyStore"));
            assertThatThrownBy(() -> DriverManager.getConnection(jdbc.jdbcUrl(), properties).close())
                    .isInstanceOf(SQLException.class);

            addons.app("shop", "production").destroy("mysql", dev.addons.core.FinalBackup.SKIP);
            addons.removeServer("tls-db");
            try (Connection admin = MysqlAdmin.connect(verified); Statement sql = admin.createStatement()) {
                assertThat(queryString(sql, "select count(*) from mysql.user where user = 'shop'")).isEqualTo("0");
            }
        }
        try (java.util.stream.Stream<Path> left = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(left.map(Path::getFileName).map(Path::toString))
                    .as("the admin's temporary trust stores").noneMatch(name -> name.startsWith("addons-mysql-ca-"));
        }
    }

    private static String adminUrl(ProviderServer server) {
        return "mysql://" + server.access().adminUser() + ":" + server.access().adminPassword() + "@"
                + server.access().endpoint() + "/";
    }

    /** The {@code mariadb} client's {@code Ssl_cipher}, connected with {@code vars} and {@code caFile} only. */
    private static String mariadbClient(Map<String, String> vars, String caFile) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("mariadb", "--no-defaults", "--batch",
                "--skip-column-names", "--host=" + vars.get("MYSQL_HOST"), "--port=" + vars.get("MYSQL_PORT"),
                "--user=" + vars.get("MYSQL_USER"), "--ssl-ca=" + caFile,
                "--execute=" + SSL_CIPHER));
        if ("VERIFY_IDENTITY".equals(vars.get("MYSQL_SSL_MODE"))) {
            // MariaDB's client spells MySQL's --ssl-mode=VERIFY_IDENTITY so.
            command.add("--ssl-verify-server-cert");
        }
        command.add(vars.get("MYSQL_DATABASE"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv("PATH"));
        builder.environment().put("MYSQL_PWD", vars.get("MYSQL_PASSWORD"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes()).strip();
        assertThat(process.waitFor()).as(output).isZero();
        return output;
    }
}
