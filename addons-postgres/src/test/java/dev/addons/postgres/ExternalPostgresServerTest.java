package dev.addons.postgres;

import static dev.addons.postgres.PostgresProviderServerTest.connect;
import static dev.addons.postgres.PostgresProviderServerTest.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.ProvisioningException;
import dev.addons.api.Status;
import dev.addons.api.UnsupportedOperationAddonException;
import dev.addons.core.Addons;
import dev.addons.core.AppFile;
import dev.addons.core.ServerInfo;
import dev.addons.testkit.ProviderServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
 * An external PostgreSQL 15 server, started by the process runtime of a home of its own
 * ({@link ProviderServer}) and registered in another home, which never runs a server: two apps'
 * shared addons get a database and role each on it, connect with their variables alone and
 * cannot reach each other's data; destroy removes only their databases and roles, and the server
 * and a database its admin made keep going.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExternalPostgresServerTest {
    private ProviderServer external;
    private String url;

    @TempDir
    Path home;

    @BeforeAll
    void startTheExternalServer() throws Exception {
        external = ProviderServer.start(new PostgresProvider(), "15");
        url = "postgresql://" + external.access().adminUser() + ":" + external.access().adminPassword() + "@"
                + external.access().endpoint() + "/postgres";
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
        try (Connection admin = admin("postgres"); Statement sql = admin.createStatement()) {
            sql.execute("create database theirs");
        }
        try (Connection admin = admin("theirs"); Statement sql = admin.createStatement()) {
            sql.execute("create table kept (v text); insert into kept values ('still here')");
        }
        try (Addons addons = Addons.builder().home(home).runtime("process").automaticBackups(false).build()) {
            ServerInfo registered = addons.registerServer("main-db", "postgres", url);
            assertThat(registered).extracting(ServerInfo::name, ServerInfo::addon, ServerInfo::endpoint)
                    .containsExactly("main-db", "postgresql", external.access().endpoint());
            assertThat(registered.toString()).doesNotContain(external.access().adminPassword());

            AppFile shop = AppFile.parse("name = \"shop\"\n[addons.postgresql]\nvariant = \"shared\"\n"
                    + "server = \"main-db\"\n", "shop.toml");
            addons.deploy(shop, "production");
            addons.deploy(shop, "staging");
            AddonRecord blog = addons.create("blog", "production",
                    AddonSpec.parse("postgresql:shared").withServer("main-db"));
            assertThat(blog.status()).isEqualTo(Status.ACTIVE);
            assertThat(blog.runtime()).isEqualTo("external");
            assertThat(home.resolve("servers")).as("no server of the home's own").doesNotExist();
            assertThat(addons.health("blog", "production")).singleElement()
                    .satisfies(health -> assertThat(health.healthy()).as(health.detail()).isTrue());

            Map<String, String> shopVars = addons.env("shop", "production").toMap();
            Map<String, String> stagingVars = addons.env("shop", "staging").toMap();
            Map<String, String> blogVars = addons.env("blog", "production").toMap();
            assertThat(shopVars.get("PGPORT")).isEqualTo(Integer.toString(external.access().endpoint().port()));
            assertThat(stagingVars.get("PGDATABASE")).isNotEqualTo(shopVars.get("PGDATABASE"));
            assertThat(List.of(shopVars, stagingVars, blogVars)).allSatisfy(vars -> {
                try (Connection app = connect(vars, vars.get("PGDATABASE")); Statement sql = app.createStatement()) {
                    sql.execute("create table t (v text); insert into t values ('" + vars.get("PGDATABASE") + "')");
                    assertThat(queryString(sql, "select v from t")).isEqualTo(vars.get("PGDATABASE"));
                }
            });
            assertThatThrownBy(() -> connect(shopVars, blogVars.get("PGDATABASE")).close())
                    .isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42501");
            assertThatThrownBy(() -> connect(blogVars, stagingVars.get("PGDATABASE")).close())
                    .isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42501");

            assertThat(addons.servers()).singleElement().extracting(ServerInfo::tenants).asList()
                    .containsExactlyInAnyOrder("shop/production", "shop/staging", "blog/production");
            assertThatThrownBy(() -> addons.removeServer("main-db")).isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining("shop/staging").hasMessageContaining("blog/production");
            assertThatThrownBy(() -> addons.backup("blog", "production", "postgresql"))
                    .isInstanceOf(UnsupportedOperationAddonException.class)
                    .hasMessageContaining("external server");
            assertThatThrownBy(() -> addons.restart("blog", "production", "postgresql"))
                    .isInstanceOf(UnsupportedOperationAddonException.class)
                    .hasMessageContaining("is an external server, which addons does not run");
            assertThatThrownBy(() -> addons.migrate("blog", "production", "postgresql", "small"))
                    .isInstanceOf(UnsupportedOperationAddonException.class)
                    .hasMessageContaining("is on an external server");
            assertThat(addons.reconcile()).as("records a reconcile changed or strays it removed").isZero();
            assertThat(addons.deploy(shop, "production").active()).singleElement().extracting(AddonRecord::id)
                    .as("a second deploy keeps the addon").isEqualTo(addons.list("shop", "production").get(0).id());
            addons.registerServer("same-db", "postgresql", url);
            assertThatThrownBy(() -> addons.create("blog", "production", AddonSpec.parse("postgresql:shared")
                    .withServer("same-db"))).isInstanceOf(InvalidSpecException.class)
                    .hasMessage("postgresql of blog/production exists on the external server external-main-db:"
                            + " it cannot move to another server; back it up and restore the backup into an addon"
                            + " there (another app or environment)");
            addons.removeServer("same-db");
            assertThat(addons.list("blog", "production")).singleElement().extracting(AddonRecord::status)
                    .isEqualTo(Status.ACTIVE);

            String tenants = "'" + String.join("', '", shopVars.get("PGDATABASE"), stagingVars.get("PGDATABASE"),
                    blogVars.get("PGDATABASE")) + "'";
            assertThat(List.of(shopVars, stagingVars, blogVars))
                    .allMatch(vars -> vars.get("PGUSER").equals(vars.get("PGDATABASE")));
            try (Connection admin = admin("postgres"); Statement sql = admin.createStatement()) {
                assertThat(queryString(sql, "select count(*) from pg_database where datname in (" + tenants + ")"))
                        .isEqualTo("3");
                assertThat(queryString(sql, "select count(*) from pg_roles where rolname in (" + tenants + ")"))
                        .isEqualTo("3");
            }
            AddonRecord any = addons.listAll().get(0);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> addons.destroy(any.app(), any.environment(),
                    any.addon())).as("a destroy that would lose data addons cannot back up")
                    .hasMessageEndingWith("back up with the external server's own means; then destroy it without a"
                            + " final backup (--no-backup)");
            for (AddonRecord record : addons.listAll()) {
                addons.destroy(record.app(), record.environment(), record.addon(), dev.addons.core.FinalBackup.SKIP);
            }
            assertThat(addons.listAll()).isEmpty();
            assertThat(external.processes()).as("the external server after its last tenant left")
                    .isNotEmpty().allMatch(ProcessHandle::isAlive);
            try (Connection admin = admin("theirs"); Statement sql = admin.createStatement()) {
                assertThat(queryString(sql, "select v from kept")).isEqualTo("still here");
                assertThat(queryString(sql, "select count(*) from pg_database where datname in (" + tenants + ")"))
                        .isEqualTo("0");
                assertThat(queryString(sql, "select count(*) from pg_roles where rolname in (" + tenants + ")"))
                        .isEqualTo("0");
            }
            assertThat(addons.removeServer("main-db").tenants()).isEmpty();
            assertThat(addons.servers()).isEmpty();
        } finally {
            try (Connection admin = admin("postgres"); Statement sql = admin.createStatement()) {
                sql.execute("drop database if exists theirs");
            }
        }
    }

    @Test
    void aRoleOrDatabaseThisHomeDidNotMakeIsNeitherDroppedNorTakenOverAndTwoHomesNeverTakeEachOthers(
            @TempDir Path otherHome) throws Exception {
        try (Connection admin = admin("postgres"); Statement sql = admin.createStatement()) {
            sql.execute("create role victim login password 'victim-pw-123'");
            sql.execute("create database victim owner victim");
            sql.execute("create role lonely");
        }
        try (Connection admin = admin("victim"); Statement sql = admin.createStatement()) {
            sql.execute("create table kept (v text); insert into kept values ('still here')");
            sql.execute("grant select on kept to victim");
        }
        try (Addons addons = Addons.builder().home(home).runtime("process").automaticBackups(false).build();
                Addons other = Addons.builder().home(otherHome).runtime("process").automaticBackups(false).build()) {
            addons.registerServer("main-db", "postgresql", url);
            other.registerServer("main-db", "postgresql", url);
            AddonSpec onMainDb = AddonSpec.parse("postgresql:shared").withServer("main-db");

            assertThatThrownBy(() -> addons.create("victim", "production", onMainDb))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining("PostgreSQL tenant 'victim' on " + external.access().endpoint()
                            + ": the role 'victim' and the database 'victim' exist and this addons home did not"
                            + " make it (addons marks what it makes with the comment 'addons:")
                    .hasMessageContaining("addons leaves it alone. Give the app or environment another name");
            assertThatThrownBy(() -> addons.create("lonely", "production", onMainDb))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining(": the role 'lonely' exists and this addons home did not make it");
            Map<String, String> victim = Map.of("PGHOST", external.access().endpoint().host(),
                    "PGPORT", Integer.toString(external.access().endpoint().port()),
                    "PGUSER", "victim", "PGPASSWORD", "victim-pw-123");
            try (Connection app = connect(victim, "victim"); Statement sql = app.createStatement()) {
                assertThat(queryString(sql, "select v from kept")).as("their data and password").isEqualTo("still here");
            }

            addons.create("shop", "production", onMainDb);
            String homeId = Files.readString(home.resolve("state/home-id")).strip();
            try (Connection admin = admin("postgres"); Statement sql = admin.createStatement()) {
                assertThat(queryString(sql, "select shobj_description(oid, 'pg_authid') from pg_roles"
                        + " where rolname = 'shop'")).isEqualTo("addons:" + homeId);
                assertThat(queryString(sql, "select shobj_description(oid, 'pg_database') from pg_database"
                        + " where datname = 'shop'")).isEqualTo("addons:" + homeId);
            }
            assertThatThrownBy(() -> other.create("shop", "production", onMainDb))
                    .as("another home on another host, with the same server registered")
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining("the role 'shop' and the database 'shop' exist and this addons home did not"
                            + " make it");
            Map<String, String> shop = addons.env("shop", "production").toMap();
            try (Connection app = connect(shop, "shop"); Statement sql = app.createStatement()) {
                sql.execute("create table t (v text); insert into t values ('shop data')");
            }
            // The failed addons' records are destroyed: what is on the server is not theirs to drop.
            other.destroy("shop", "production", "postgresql", dev.addons.core.FinalBackup.SKIP);
            addons.destroy("victim", "production", "postgresql", dev.addons.core.FinalBackup.SKIP);
            addons.destroy("lonely", "production", "postgresql", dev.addons.core.FinalBackup.SKIP);
            try (Connection app = connect(victim, "victim"); Statement sql = app.createStatement()) {
                assertThat(queryString(sql, "select v from kept")).isEqualTo("still here");
            }
            try (Connection admin = admin("postgres"); Statement sql = admin.createStatement()) {
                assertThat(queryString(sql, "select count(*) from pg_roles where rolname = 'lonely'")).isEqualTo("1");
            }
            try (Connection app = connect(shop, "shop"); Statement sql = app.createStatement()) {
                // The tenant owns its database, so it may change its comment; its role's it may not.
                sql.execute("comment on database shop is 'addons:0000000000000000'");
                assertThatThrownBy(() -> sql.execute("comment on role shop is 'mine'"))
                        .isInstanceOf(SQLException.class);
                assertThat(queryString(sql, "select v from t")).isEqualTo("shop data");
            }
            addons.destroy("shop", "production", "postgresql", dev.addons.core.FinalBackup.SKIP);
            try (Connection admin = admin("postgres"); Statement sql = admin.createStatement()) {
                assertThat(queryString(sql, "select count(*) from pg_roles where rolname = 'shop'")
                        + queryString(sql, "select count(*) from pg_database where datname = 'shop'"))
                        .as("a database whose owner role bears the mark is this home's").isEqualTo("00");
            }
            assertThat(other.listAll()).isEmpty();
            other.removeServer("main-db");
            addons.removeServer("main-db");
        } finally {
            try (Connection admin = admin("postgres"); Statement sql = admin.createStatement()) {
                sql.execute("drop database if exists victim");
                sql.execute("drop role if exists victim");
                sql.execute("drop role if exists lonely");
            }
        }
    }

    @Test
    void theAdminUrlIsCheckedAndKeptOwnerOnlyAndNeverShown() throws Exception {
        String password = external.access().adminPassword();
        try (Addons addons = Addons.builder().home(home).runtime("process").automaticBackups(false).build()) {
            assertThatThrownBy(() -> addons.registerServer("wrong", "postgresql", url.replace(password, "nope"
                    + password.substring(4)))).isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining("no postgresql server accepted user postgres at " + external.access()
                            .endpoint())
                    .hasMessageNotContaining(password.substring(4));
            assertThatThrownBy(() -> addons.registerServer("wrong", "postgresql", url.replace("postgresql:",
                    "http:"))).isInstanceOf(InvalidSpecException.class)
                    .hasMessage("--url 'http://postgres:***@" + external.access().endpoint() + "/postgres' has"
                            + " scheme 'http' (scheme): use for --addon postgresql: [postgres, postgresql]");
            assertThatThrownBy(() -> addons.registerServer("wrong", "postgresql", url + "?sslmode=x y"))
                    .isInstanceOf(InvalidSpecException.class).hasMessageNotContaining(password);
            assertThat(addons.servers()).isEmpty();

            addons.registerServer("db", "postgresql", url);
            Path state = home.resolve("state/servers/external-db.json");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state))).isEqualTo("rw-------");
            assertThat(addons.servers().toString()).doesNotContain(password);
            assertThatThrownBy(() -> addons.registerServer("db", "postgresql", url))
                    .isInstanceOf(InvalidSpecException.class).hasMessageContaining("registered already");

            assertThatThrownBy(() -> addons.create("x", "production", AddonSpec.parse("postgresql:shared")
                    .withServer("other"))).isInstanceOf(InvalidSpecException.class)
                    .hasMessageStartingWith("no external server named 'other'. Registered: [db]");
            assertThatThrownBy(() -> addons.create("x", "production", AddonSpec.parse("postgresql")
                    .withServer("db"))).isInstanceOf(InvalidSpecException.class)
                    .hasMessageContaining("server = \"db\" needs variant = \"shared\", not 'small'");
            assertThatThrownBy(() -> addons.create("x", "production", new AddonSpec("postgresql", "shared", "15",
                    "db"))).isInstanceOf(InvalidSpecException.class)
                    .hasMessageContaining("cannot go with server = \"db\"");
            assertThat(addons.listAll()).isEmpty();
            addons.removeServer("db");
        }
    }

    private Connection admin(String database) throws SQLException {
        return connect(Map.of("PGHOST", external.access().endpoint().host(),
                "PGPORT", Integer.toString(external.access().endpoint().port()),
                "PGUSER", external.access().adminUser(), "PGPASSWORD", external.access().adminPassword()), database);
    }
}
