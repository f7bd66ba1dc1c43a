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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
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
        try (PostgresProvider starter = new PostgresProvider()) {
            // Closed once the server runs: its readiness check's admin session is not kept.
            external = ProviderServer.start(starter, "15");
        }
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
            AddonRecord blog = addons.app("blog", "production").create(
                    AddonSpec.parse("postgresql:shared").withServer("main-db"));
            assertThat(blog.status()).isEqualTo(Status.ACTIVE);
            assertThat(blog.runtime()).isEqualTo("external");
            assertThat(home.resolve("servers")).as("no server of the home's own").doesNotExist();
            assertThat(addons.app("blog", "production").health()).singleElement()
                    .satisfies(health -> assertThat(health.healthy()).as(health.detail()).isTrue());

            Map<String, String> shopVars = addons.app("shop", "production").env().toMap();
            Map<String, String> stagingVars = addons.app("shop", "staging").env().toMap();
            Map<String, String> blogVars = addons.app("blog", "production").env().toMap();
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
            assertThatThrownBy(() -> addons.app("blog", "production").backup("postgresql"))
                    .isInstanceOf(UnsupportedOperationAddonException.class)
                    .hasMessageContaining("external server");
            assertThatThrownBy(() -> addons.app("blog", "production").restart("postgresql"))
                    .isInstanceOf(UnsupportedOperationAddonException.class)
                    .hasMessageContaining("is an external server, which addons does not run");
            assertThatThrownBy(() -> addons.app("blog", "production").migrate("postgresql", "small"))
                    .isInstanceOf(UnsupportedOperationAddonException.class)
                    .hasMessageContaining("is on an external server");
            assertThat(addons.reconcile()).as("records a reconcile changed or strays it removed").isZero();
            assertThat(addons.deploy(shop, "production").active()).singleElement().extracting(AddonRecord::id)
                    .as("a second deploy keeps the addon")
                    .isEqualTo(addons.app("shop", "production").list().get(0).id());
            addons.registerServer("same-db", "postgresql", url);
            assertThatThrownBy(() -> addons.app("blog", "production").create(AddonSpec.parse("postgresql:shared")
                    .withServer("same-db"))).isInstanceOf(InvalidSpecException.class)
                    .hasMessage("postgresql of blog/production exists on the external server external-main-db:"
                            + " it cannot move to another server; back it up and restore the backup into an addon"
                            + " there (another app or environment)");
            addons.removeServer("same-db");
            assertThat(addons.app("blog", "production").list()).singleElement().extracting(AddonRecord::status)
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
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> addons.app(any.app(), any.environment()).destroy(
                    any.addon())).as("a destroy that would lose data addons cannot back up")
                    .hasMessageEndingWith("back up with the external server's own means; then destroy it without a"
                            + " final backup (--no-backup)");
            for (AddonRecord record : addons.listAll()) {
                addons.app(record.app(), record.environment())
                        .destroy(record.addon(), dev.addons.core.FinalBackup.SKIP);
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
    void closingAddonsClosesTheAdminSessionsItKeptAndEndsTheThreadThatSweepsThem(@TempDir Path ownHome)
            throws Exception {
        Set<String> threadsBefore = sweeperThreads();
        Set<String> threadsWhileOpen;
        try (Addons addons = Addons.builder().home(ownHome).runtime("process").automaticBackups(false).build()) {
            addons.registerServer("closing-db", "postgresql", url);
            addons.app("closing", "production").create(AddonSpec.parse("postgresql:shared").withServer("closing-db"));
            addons.app("closing", "production").destroy("postgresql", dev.addons.core.FinalBackup.SKIP);
            addons.removeServer("closing-db");

            assertThat(adminSessions()).as("admin sessions kept between tenants").isPositive();
            threadsWhileOpen = new TreeSet<>(sweeperThreads());
            threadsWhileOpen.removeAll(threadsBefore);
            assertThat(threadsWhileOpen).as("its provider's sweeper thread").hasSize(1);
        }

        assertThat(sweeperThreads()).as("once closed").doesNotContainAnyElementsOf(threadsWhileOpen);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        // A backend ends a moment after its client said goodbye: seen from a fresh session.
        while (adminSessions() > 0) {
            assertThat(System.nanoTime()).as("admin sessions left: " + adminSessions()).isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }

    /** The external server's sessions that addons' admin opened (application_name 'addons'). */
    private int adminSessions() throws SQLException {
        try (Connection fresh = admin("postgres"); Statement sql = fresh.createStatement()) {
            return Integer.parseInt(queryString(sql, "select count(*) from pg_stat_activity"
                    + " where application_name = 'addons' and pid <> pg_backend_pid()"));
        }
    }

    private static Set<String> sweeperThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.startsWith(AdminConnections.THREAD_NAME))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void aTenantOnAnExternalServerHasTheConnectionLimitItsAppFileSaysAndADeployChangesIt(@TempDir Path ownHome)
            throws Exception {
        try (Addons addons = Addons.builder().home(ownHome).runtime("process").automaticBackups(false).build()) {
            addons.registerServer("limited-db", "postgresql", url);
            addons.deploy(limited(4), "production");
            assertThat(connectionLimitOf("limited")).isEqualTo("4");

            addons.deploy(limited(2), "production");

            assertThat(connectionLimitOf("limited")).isEqualTo("2");
            assertThat(addons.app("limited", "production").connectionLimit("postgresql")).hasValue(2);
            addons.app("limited", "production").destroy("postgresql", dev.addons.core.FinalBackup.SKIP);
            addons.removeServer("limited-db");
        }
    }

    private static AppFile limited(int connections) {
        return AppFile.parse("name = \"limited\"\n[addons.postgresql]\nvariant = \"shared\"\nserver = \"limited-db\"\n"
                + "connections = " + connections + "\n", "limited.toml");
    }

    private String connectionLimitOf(String role) throws SQLException {
        try (Connection admin = admin("postgres"); Statement sql = admin.createStatement()) {
            return queryString(sql, "select rolconnlimit from pg_roles where rolname = '" + role + "'");
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

            assertThatThrownBy(() -> addons.app("victim", "production").create(onMainDb))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining("PostgreSQL tenant 'victim' on " + external.access().endpoint()
                            + ": the role 'victim' and the database 'victim' exist and this addons home did not"
                            + " make it (addons marks what it makes with the comment 'addons:")
                    .hasMessageContaining("addons leaves it alone. Give the app or environment another name");
            assertThatThrownBy(() -> addons.app("lonely", "production").create(onMainDb))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining(": the role 'lonely' exists and this addons home did not make it");
            Map<String, String> victim = Map.of("PGHOST", external.access().endpoint().host(),
                    "PGPORT", Integer.toString(external.access().endpoint().port()),
                    "PGUSER", "victim", "PGPASSWORD", "victim-pw-123");
            try (Connection app = connect(victim, "victim"); Statement sql = app.createStatement()) {
                assertThat(queryString(sql, "select v from kept")).as("their data and password").isEqualTo("still here");
            }

            addons.app("shop", "production").create(onMainDb);
            String homeId = Files.readString(home.resolve("state/home-id")).strip();
            try (Connection admin = admin("postgres"); Statement sql = admin.createStatement()) {
                assertThat(queryString(sql, "select shobj_description(oid, 'pg_authid') from pg_roles"
                        + " where rolname = 'shop'")).isEqualTo("addons:" + homeId);
                assertThat(queryString(sql, "select shobj_description(oid, 'pg_database') from pg_database"
                        + " where datname = 'shop'")).isEqualTo("addons:" + homeId);
            }
            assertThatThrownBy(() -> other.app("shop", "production").create(onMainDb))
                    .as("another home on another host, with the same server registered")
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining("the role 'shop' and the database 'shop' exist and this addons home did not"
                            + " make it");
            Map<String, String> shop = addons.app("shop", "production").env().toMap();
            try (Connection app = connect(shop, "shop"); Statement sql = app.createStatement()) {
                sql.execute("create table t (v text); insert into t values ('shop data')");
            }
            // The failed addons' records are destroyed: what is on the server is not theirs to drop.
            other.app("shop", "production").destroy("postgresql", dev.addons.core.FinalBackup.SKIP);
            addons.app("victim", "production").destroy("postgresql", dev.addons.core.FinalBackup.SKIP);
            addons.app("lonely", "production").destroy("postgresql", dev.addons.core.FinalBackup.SKIP);
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
            addons.app("shop", "production").destroy("postgresql", dev.addons.core.FinalBackup.SKIP);
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
    void theMaintenanceDatabasesAreClosedToEveryoneOnlyWhenTheOperatorAllowedServerWideChanges(
            @TempDir Path hardened) throws Exception {
        String publicMayConnect = "select string_agg(datname || '=' || has_database_privilege('public', oid, 'connect'),"
                + " ',' order by datname) from pg_database where datname in ('postgres', 'template1')";
        try (Connection admin = admin("postgres"); Statement sql = admin.createStatement()) {
            // As on a server addons did not make: every role may connect to them.
            sql.execute("grant connect, temporary on database postgres, template1 to public");
        }
        try {
            try (Addons addons = Addons.builder().home(home).runtime("process").automaticBackups(false).build()) {
                assertThat(addons.registerServer("main-db", "postgresql", url).serverWideChanges()).isFalse();
                addons.app("shop", "production").create(AddonSpec.parse("postgresql:shared").withServer("main-db"));
                Map<String, String> shop = addons.app("shop", "production").env().toMap();
                try (Connection admin = admin("postgres"); Statement sql = admin.createStatement()) {
                    assertThat(queryString(sql, publicMayConnect)).isEqualTo("postgres=true,template1=true");
                    assertThat(queryString(sql, "select has_database_privilege('public', 'shop', 'connect')"))
                            .as("the tenant's own database is still closed to others").isEqualTo("f");
                }
                connect(shop, "postgres").close();
                addons.app("shop", "production").destroy("postgresql", dev.addons.core.FinalBackup.SKIP);
                addons.removeServer("main-db");
            }
            try (Addons addons = Addons.builder().home(hardened).runtime("process").automaticBackups(false).build()) {
                assertThat(addons.registerServer("main-db", "postgresql", url,
                        new dev.addons.api.spi.ServerAccess.External(true, null)).serverWideChanges()).isTrue();
                addons.app("shop", "production").create(AddonSpec.parse("postgresql:shared").withServer("main-db"));
                Map<String, String> shop = addons.app("shop", "production").env().toMap();
                try (Connection admin = admin("postgres"); Statement sql = admin.createStatement()) {
                    assertThat(queryString(sql, publicMayConnect)).isEqualTo("postgres=false,template1=false");
                }
                assertThatThrownBy(() -> connect(shop, "postgres").close()).isInstanceOf(SQLException.class)
                        .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42501");
                addons.app("shop", "production").destroy("postgresql", dev.addons.core.FinalBackup.SKIP);
                addons.removeServer("main-db");
            }
        } finally {
            try (Connection admin = admin("postgres"); Statement sql = admin.createStatement()) {
                sql.execute("revoke connect, temporary on database postgres, template1 from public");
            }
        }
    }

    @Test
    void aServerRegisteredWithVerifiedTlsServesTheAdminAndTheTenantsOverIt(@TempDir Path tls) throws Exception {
        Path ca = certificateAuthority(tls, "ca");
        Path otherCa = certificateAuthority(tls, "other-ca");
        openssl(tls, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
        Files.writeString(tls.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                + "basicConstraints=CA:FALSE\n");
        openssl(tls, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.crt", "-days", "2", "-extfile", "server.ext");
        try (Connection admin = admin("postgres"); Statement sql = admin.createStatement()) {
            // Written by the server itself into its data directory: files of its own user.
            for (String file : List.of("server.crt", "server.key")) {
                String base64 = java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(tls.resolve(file)));
                String lo = queryString(sql, "select lo_from_bytea(0, decode('" + base64 + "', 'base64'))");
                sql.execute("select lo_export(" + lo + ", 'addons-test-" + file + "')");
                sql.execute("select lo_unlink(" + lo + ")");
            }
            // The server's umask lets its group read; a key must be its owner's alone.
            Files.setPosixFilePermissions(external.directory().resolve("data/addons-test-server.key"),
                    PosixFilePermissions.fromString("rw-------"));
            sql.execute("alter system set ssl_cert_file = 'addons-test-server.crt'");
            sql.execute("alter system set ssl_key_file = 'addons-test-server.key'");
            sql.execute("alter system set ssl = on");
            sql.execute("select pg_reload_conf()");
        }
        try (Addons addons = Addons.builder().home(home).runtime("process").automaticBackups(false).build()) {
            awaitTls(ca);
            String before;
            try (Connection admin = admin("postgres"); Statement sql = admin.createStatement()) {
                before = queryString(sql, "select clock_timestamp()::text");
            }
            String verifying = url + "?sslmode=verify-full";
            assertThatThrownBy(() -> addons.registerServer("tls-db", "postgresql", verifying,
                    new dev.addons.api.spi.ServerAccess.External(false, otherCa)))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining("no postgresql server accepted user postgres at " + external.access()
                            .endpoint())
                    .hasMessageEndingWith("whose TLS certificate names the host 127.0.0.1 and is signed by a CA in"
                            + " --ca-file " + otherCa)
                    .hasMessageNotContaining(external.access().adminPassword());
            assertThatThrownBy(() -> addons.registerServer("tls-db", "postgresql", verifying))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessageStartingWith("--url asks for verified TLS: add --ca-file FILE");
            assertThatThrownBy(() -> addons.registerServer("tls-db", "postgresql", url,
                    new dev.addons.api.spi.ServerAccess.External(false, ca)))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessageContaining("needs a URL that asks for verified TLS: end it with ?sslmode=verify-full");
            assertThatThrownBy(() -> addons.registerServer("tls-db", "postgresql", url + "?sslmode=require",
                    new dev.addons.api.spi.ServerAccess.External(false, ca)))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessageContaining("has the query 'sslmode=require' (query): use none, or sslmode=verify-full");

            ServerInfo registered = addons.registerServer("tls-db", "postgresql", verifying,
                    new dev.addons.api.spi.ServerAccess.External(false, ca));
            assertThat(registered.tlsCaFile()).contains(ca);
            addons.app("shop", "production").create(AddonSpec.parse("postgresql:shared").withServer("tls-db"));
            Map<String, String> vars = addons.app("shop", "production").env().toMap();
            assertThat(vars).containsEntry("PGSSLMODE", "verify-full").containsEntry("PGSSLROOTCERT", ca.toString());
            assertThat(vars.get("DATABASE_URL")).endsWith("/shop?sslmode=verify-full&sslrootcert="
                    + dev.addons.api.spi.Urls.encode(ca.toString()));

            // libpq with the tenant's variables alone, then with DATABASE_URL alone.
            Map<String, String> libpq = new java.util.HashMap<>(vars);
            libpq.remove("DATABASE_URL");
            assertThat(psql(libpq)).isEqualTo("t|shop");
            assertThat(psql(Map.of(), vars.get("DATABASE_URL"))).isEqualTo("t|shop");
            try (Connection admin = admin("postgres"); Statement sql = admin.createStatement()) {
                assertThat(queryString(sql, "select string_agg(distinct s.ssl::text, ',') from pg_stat_ssl s"
                        + " join pg_stat_activity a using (pid) where a.application_name = 'addons'"
                        + " and a.backend_start > '" + before + "'"))
                        .as("addons' own admin sessions, kept open since").isEqualTo("true");
            }
            addons.app("shop", "production").destroy("postgresql", dev.addons.core.FinalBackup.SKIP);
            addons.removeServer("tls-db");
        } finally {
            try (Connection admin = admin("postgres"); Statement sql = admin.createStatement()) {
                sql.execute("alter system reset ssl");
                sql.execute("alter system reset ssl_cert_file");
                sql.execute("alter system reset ssl_key_file");
                sql.execute("select pg_reload_conf()");
            }
        }
    }

    /** Makes a self-signed CA, NAME.crt and NAME.key in {@code dir}; returns the certificate. */
    private static Path certificateAuthority(Path dir, String name) throws Exception {
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-out", name + ".crt", "-days", "2", "-subj", "/CN=addons test " + name);
        return dir.resolve(name + ".crt");
    }

    private static void openssl(Path dir, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();
    }

    /** Waits until the server, reloading its configuration, takes TLS connections its CA verifies. */
    private void awaitTls(Path ca) throws SQLException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("user", external.access().adminUser());
        properties.setProperty("password", external.access().adminPassword());
        properties.setProperty("sslmode", "verify-full");
        properties.setProperty("sslrootcert", ca.toString());
        while (true) {
            // Each attempt is a new connection: the postmaster has reloaded once one succeeds.
            try (Connection tls = java.sql.DriverManager.getConnection("jdbc:postgresql://"
                    + external.access().endpoint() + "/postgres", properties)) {
                return;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    try (Connection admin = admin("postgres"); Statement sql = admin.createStatement()) {
                        throw new AssertionError("TLS is not on: ssl=" + queryString(sql, "show ssl") + ", settings "
                                + queryString(sql, "select string_agg(name || '=' || setting || ' ' || sourcefile"
                                        + " || ' ' || coalesce(error, 'ok'), '; ') from pg_file_settings"
                                        + " where name like 'ssl%'") + logs(), e);
                    }
                }
            }
        }
    }

    private String logs() {
        try (java.util.stream.Stream<Path> files = Files.walk(external.directory())) {
            StringBuilder out = new StringBuilder();
            for (Path f : (Iterable<Path>) files::iterator) {
                out.append("\n").append(f);
                if (f.toString().endsWith(".log")) {
                    List<String> lines = Files.readAllLines(f);
                    out.append("\n").append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
                }
            }
            return out.toString();
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    /** psql run with {@code env} (and PATH) only: whether its session uses TLS, and its database. */
    private static String psql(Map<String, String> env, String... conninfo) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("psql", "-X", "-A", "-t", "-w", "-c",
                "select ssl::text::char || '|' || current_database() from pg_stat_ssl where pid = pg_backend_pid()"));
        command.addAll(List.of(conninfo));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv("PATH"));
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes()).strip();
        assertThat(process.waitFor()).as(output).isZero();
        return output;
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

            assertThatThrownBy(() -> addons.app("x", "production").create(AddonSpec.parse("postgresql:shared")
                    .withServer("other"))).isInstanceOf(InvalidSpecException.class)
                    .hasMessageStartingWith("no external server named 'other'. Registered: [db]");
            assertThatThrownBy(() -> addons.app("x", "production").create(AddonSpec.parse("postgresql")
                    .withServer("db"))).isInstanceOf(InvalidSpecException.class)
                    .hasMessageContaining("server = \"db\" needs variant = \"shared\", not 'small'");
            assertThatThrownBy(() -> addons.app("x", "production").create(new AddonSpec("postgresql", "shared", "15",
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
