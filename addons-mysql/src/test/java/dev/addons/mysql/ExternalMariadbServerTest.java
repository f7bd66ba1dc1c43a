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
                sql.execute("drop database theirs");
            }
            addons.removeServer("maria");
            assertThat(addons.servers()).isEmpty();
        }
    }
}
