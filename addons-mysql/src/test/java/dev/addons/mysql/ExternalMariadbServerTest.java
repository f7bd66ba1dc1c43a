package dev.addons.mysql;

import static dev.addons.mysql.AppConnections.connect;
import static dev.addons.mysql.AppConnections.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.ProvisioningException;
import dev.addons.api.Status;
import dev.addons.core.Addons;
import dev.addons.core.AppFile;
import dev.addons.core.ServerInfo;
import dev.addons.testkit.ProviderServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
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
 * What a home did not make there is neither dropped nor taken over.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExternalMariadbServerTest {
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
            AddonRecord blog = addons.create("blog", "production",
                    AddonSpec.parse("mysql:shared").withServer("maria"));
            assertThat(blog.status()).isEqualTo(Status.ACTIVE);
            assertThat(blog.runtime()).isEqualTo("external");
            assertThat(home.resolve("servers")).as("no server of the home's own").doesNotExist();

            Map<String, String> shopVars = addons.env("shop", "production").toMap();
            Map<String, String> stagingVars = addons.env("shop", "staging").toMap();
            Map<String, String> blogVars = addons.env("blog", "production").toMap();
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
                addons.destroy(record.app(), record.environment(), record.addon(), dev.addons.core.FinalBackup.SKIP);
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

            assertThatThrownBy(() -> addons.create("victim", "production", onMaria))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining("MySQL tenant 'victim' on " + endpoint + ": this addons home did not make"
                            + " the user 'victim'@'%' and the database 'victim', so addons leaves them alone (it"
                            + " records what it makes in addons_catalog.objects, as '" + homeMark + "'). Give the app"
                            + " or environment another name, or have the server's owner drop or rename them");
            assertThatThrownBy(() -> addons.create("lonely", "production", onMaria))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining("MySQL tenant 'lonely' on " + endpoint + ": this addons home did not make"
                            + " the user 'lonely'@'localhost', so addons leaves it alone");
            assertThatThrownBy(() -> addons.create("solo", "production", onMaria))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining(": this addons home did not make the database 'solo', so addons leaves it"
                            + " alone");
            try (Connection victim = connect(Map.of("MYSQL_HOST", external.access().endpoint().host(),
                    "MYSQL_PORT", Integer.toString(external.access().endpoint().port()),
                    "MYSQL_USER", "victim", "MYSQL_PASSWORD", "victim-pw-123"), "victim");
                    Statement sql = victim.createStatement()) {
                assertThat(queryString(sql, "select v from kept")).as("their data and password").isEqualTo("still here");
            }

            addons.create("shop", "production", onMaria);
            try (Connection admin = MysqlAdmin.connect(external.access()); Statement sql = admin.createStatement()) {
                assertThat(AppConnections.queryAll(sql, "select concat_ws(' ', home, kind, name, created is not null)"
                        + " from " + MysqlMarks.TABLE + " order by kind")).containsExactly(
                                homeMark + " database shop 1", homeMark + " user shop 1");
                // Claimed by a home that has not made it yet, or whose object the server's owner dropped.
                sql.execute("insert into " + MysqlMarks.TABLE + " (home, kind, name) values"
                        + " ('addons:00000000000000ff', 'database', 'ghost')");
            }
            assertThatThrownBy(() -> addons.create("ghost", "production", onMaria))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining(": this addons home did not make the database name 'ghost' (claimed by"
                            + " addons:00000000000000ff), so addons leaves it alone");
            assertThatThrownBy(() -> other.create("shop", "production", onMaria))
                    .as("another home on another host, with the same server registered")
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining("this addons home did not make the user 'shop'@'%' (made by " + homeMark
                            + ") and the database 'shop' (made by " + homeMark + "), so addons leaves them alone");
            Map<String, String> shop = addons.env("shop", "production").toMap();
            try (Connection app = connect(shop, "shop"); Statement sql = app.createStatement()) {
                sql.execute("create table t (v varchar(20))");
                sql.execute("insert into t values ('shop data')");
                // 1142: the command is denied to the tenant on that table.
                assertThatThrownBy(() -> sql.execute("delete from " + MysqlMarks.TABLE))
                        .as("a tenant cannot move a mark").isInstanceOf(SQLException.class)
                        .extracting(e -> ((SQLException) e).getErrorCode()).isEqualTo(1142);
            }
            // The failed addons' records are destroyed: what is on the server is not theirs to drop.
            other.destroy("shop", "production", "mysql", dev.addons.core.FinalBackup.SKIP);
            for (String app : List.of("victim", "lonely", "solo", "ghost")) {
                addons.destroy(app, "production", "mysql", dev.addons.core.FinalBackup.SKIP);
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

            addons.destroy("shop", "production", "mysql", dev.addons.core.FinalBackup.SKIP);
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

    private static String adminUrl(ProviderServer server) {
        return "mysql://" + server.access().adminUser() + ":" + server.access().adminPassword() + "@"
                + server.access().endpoint() + "/";
    }
}
