package dev.addons.postgres;

import static dev.addons.postgres.PostgresProviderServerTest.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.Credentials;
import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.TenantRequest;
import dev.addons.testkit.ProviderServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The spare database a server started from the template carries ({@link PostgresTenants#SPARE}),
 * on a new PostgreSQL 15 server (or {@code addons.test.postgres.version}) per test, run by the
 * process runtime: the first tenant takes it, and ends up exactly like a tenant created with
 * {@code CREATE DATABASE}, as the catalogs show.
 */
class PostgresSpareDatabaseTest {

    private static final String VERSION = System.getProperty("addons.test.postgres.version", "15");

    private final PostgresProvider provider = new PostgresProvider();
    private ProviderServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = ProviderServer.start(provider, VERSION);
    }

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            List<ProcessHandle> processes = server.processes();
            server.close();
            assertThat(processes).noneMatch(ProcessHandle::isAlive);
        }
    }

    @Test
    void aNewServerCarriesTheSpareClosedToPublicAndTheMaintenanceDatabasesClosed() throws SQLException {
        assertThat(adminQuery("select pg_get_userbyid(datdba) from pg_database where datname = 'addons_spare'"))
                .isEqualTo("addons_spare");
        assertThat(adminQuery("select rolcanlogin from pg_roles where rolname = 'addons_spare'")).isEqualTo("f");
        for (String database : List.of("addons_spare", "postgres", "template1")) {
            assertThat(adminQuery("select has_database_privilege('public', '" + database + "', 'connect')"
                    + " or has_database_privilege('public', '" + database + "', 'temporary')"))
                    .as("PUBLIC's rights on %s", database).isEqualTo("f");
        }
        try (Connection spare = PostgresAdmin.connect(server.access(), "addons_spare");
                Statement sql = spare.createStatement()) {
            assertThat(queryString(sql, "select has_schema_privilege('public', 'public', 'usage')"
                    + " or has_schema_privilege('public', 'public', 'create')")).isEqualTo("f");
        }
    }

    @Test
    void theFirstTenantTakesTheSpareAndTheNextIsCreatedAlike() throws SQLException {
        Credentials first = provision("app_one");
        assertThat(spares()).as("the spare, after the first tenant").isEqualTo("0");
        Credentials second = provision("app_two");

        // Created as a copy of the template's template1, whose public schema was closed already: no session yet.
        assertThat(adminQuery("select sessions from pg_stat_database where datname = 'app_two'")).isEqualTo("0");
        assertThat(catalog("app_one")).contains("\nowner <tenant>\n").contains("\nschema owner pg_database_owner\n")
                .isEqualTo(catalog("app_two"));
        for (Credentials tenant : List.of(first, second)) {
            try (Connection connection = connect(tenant); Statement sql = connection.createStatement()) {
                sql.execute("create table visits (id int)");
                assertThat(queryString(sql, "select current_user || '@' || current_database()"))
                        .isEqualTo(tenant.get("PGUSER").orElseThrow() + "@" + tenant.get("PGDATABASE").orElseThrow());
            }
        }
        assertThatThrownBy(() -> connect(second, "app_one")).isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42501");
        assertThatThrownBy(() -> connect(first, "app_two")).isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42501");
    }

    @Test
    void onAServerWhoseTemplate1IsNotMarkedATenantIsClosedFromInsideItsDatabaseAndEndsUpTheSame()
            throws SQLException {
        assertThat(adminQuery("select shobj_description(oid, 'pg_database') from pg_database"
                + " where datname = 'template1'")).isEqualTo(PostgresTenants.TEMPLATE1_CLOSED);
        provision("takes_spare");
        provision("from_template1");
        // As on a server addons did not initialize: template1 as initdb left it, unmarked.
        adminExecute("comment on database template1 is null");
        try (Connection template1 = PostgresAdmin.connect(server.access(), "template1");
                Statement sql = template1.createStatement()) {
            sql.execute("alter schema public owner to " + (VERSION.startsWith("14") ? "postgres" : "pg_database_owner"));
            sql.execute("grant usage on schema public to public");
        }

        provision("closed_inside");

        assertThat(catalog("closed_inside")).isEqualTo(catalog("from_template1")).isEqualTo(catalog("takes_spare"));
    }

    @Test
    void aTenantMadeWhileOtherAdminWorkRunsIsCopiedByFileAndEndsUpAsOneMadeAlone() throws Exception {
        provision("takes_spare");
        Credentials alone;
        Credentials crowded;
        String requestedBefore;
        String requestedAfter;
        try (AdminConnections connections = new AdminConnections()) {
            ServerAccess access = server.access();
            Verifiers verifiers = new Verifiers();
            alone = provider.credentials(PostgresTenants.provision("made_alone", 20, access, connections, verifiers),
                    access.endpoint());
            requestedBefore = adminQuery("select checkpoints_req from pg_stat_bgwriter");
            try (AdminConnections.Lease busy = connections.borrow(access)) {
                // Another admin session lent at the same time: FILE_COPY, whose checkpoints show.
                crowded = provider.credentials(
                        PostgresTenants.provision("made_crowded", 20, access, connections, verifiers),
                        access.endpoint());
            }
            requestedAfter = adminQuery("select checkpoints_req from pg_stat_bgwriter");
        }

        if (Integer.parseInt(VERSION.split("\\.")[0]) >= 15) {
            assertThat(Long.parseLong(requestedAfter)).as("checkpoints requested").isGreaterThan(
                    Long.parseLong(requestedBefore));
        }
        assertThat(catalog("made_crowded")).isEqualTo(catalog("made_alone"));
        for (Credentials tenant : List.of(alone, crowded)) {
            try (Connection connection = connect(tenant); Statement sql = connection.createStatement()) {
                sql.execute("create table visits (id int)");
            }
        }
    }

    @Test
    void twoFirstTenantsProvisionedAtOnceBothWorkAndOnlyOneTookTheSpare() throws Exception {
        List<String> names = List.of("race_one", "race_two");
        ExecutorService pool = Executors.newFixedThreadPool(names.size());
        CountDownLatch ready = new CountDownLatch(names.size());
        try {
            List<Future<Credentials>> futures = new ArrayList<>();
            for (String name : names) {
                futures.add(pool.submit((Callable<Credentials>) () -> {
                    ready.countDown();
                    ready.await(10, TimeUnit.SECONDS);
                    return provision(name);
                }));
            }
            for (Future<Credentials> future : futures) {
                try (Connection connection = connect(future.get(60, TimeUnit.SECONDS));
                        Statement sql = connection.createStatement()) {
                    assertThat(queryString(sql, "select 1")).isEqualTo("1");
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(spares()).isEqualTo("0");
        assertThat(catalog("race_one")).isEqualTo(catalog("race_two"));
    }

    @Test
    void aClaimThatFailsHalfwayLeavesTheSpareWholeAndNoHalfTenant() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection holder = PostgresAdmin.connect(server.access(), PostgresAdmin.MAINTENANCE_DATABASE);
                Statement sql = holder.createStatement()) {
            // Holds the spare role's row: the claim renames the database, then waits to rename the
            // role, and fails ("tuple concurrently updated") once this commits.
            holder.setAutoCommit(false);
            sql.execute("alter role addons_spare connection limit 5");
            String holderPid = queryString(sql, "select pg_backend_pid()");
            Future<Credentials> claim = pool.submit(() -> provision("app_broken"));
            awaitBlockedBy(holderPid, claim);
            holder.commit();

            assertThatThrownBy(() -> claim.get(60, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(ProvisioningException.class).hasMessageContaining("app_broken");
        } finally {
            pool.shutdownNow();
        }

        assertThat(adminQuery("select count(*) from pg_database where datname = 'app_broken'")).isEqualTo("0");
        assertThat(adminQuery("select count(*) from pg_roles where rolname = 'app_broken'")).isEqualTo("0");
        assertThat(spares()).as("the spare, rolled back whole").isEqualTo("2");
        adminExecute("alter role addons_spare connection limit -1");
        provision("app_after");
        assertThat(spares()).isEqualTo("0");
        assertThat(catalog("app_after")).contains("\nowner <tenant>\n");
    }

    @Test
    void theSparesNameIsRefusedAsATenantName() throws SQLException {
        assertThat(provider.tenantNameProblem("addons_spare")).hasValueSatisfying(problem -> assertThat(problem)
                .contains("addons_spare"));
        assertThatThrownBy(() -> provision("addons_spare")).isInstanceOf(ProvisioningException.class)
                .hasMessage("PostgreSQL tenant name 'addons_spare' is reserved by the server (postgres, template0,"
                        + " template1, public, addons_spare, pg_*, the admin user); give the tenant another name");
        assertThatThrownBy(() -> provider.deprovision(request("addons_spare"), Binding.of(),
                server.access())).isInstanceOf(ProvisioningException.class);
        assertThat(spares()).as("the spare, untouched").isEqualTo("2");
    }

    /** Waits until a session waits for a lock the session {@code holderPid} holds, or fails on the claim's end. */
    private void awaitBlockedBy(String holderPid, Future<?> claim) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!adminQuery("select exists (select 1 from pg_stat_activity where " + holderPid
                + " = any(pg_blocking_pids(pid)))").equals("t")) {
            assertThat(claim.isDone()).as("the claim ended before it waited: %s", claim).isFalse();
            assertThat(System.nanoTime()).as("the claim's wait for the spare role, within 30 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** How many of the spare's database and role are there. */
    private String spares() throws SQLException {
        return adminQuery("select (select count(*) from pg_database where datname = 'addons_spare')"
                + " + (select count(*) from pg_roles where rolname = 'addons_spare')");
    }

    private Credentials provision(String tenant) {
        return provider.credentials(provider.provision(request(tenant), server.access()), server.access().endpoint());
    }

    private static TenantRequest request(String tenant) {
        return TenantRequest.builder()
                .addonId("addon-" + tenant)
                .app(tenant, "test")
                .variant("shared", true)
                .tenant(tenant)
                .build();
    }

    /** The tenant's role as {@code \du} shows it, and its password's kind. */
    private static final String ROLE = "select 'role ' || concat_ws(' ', r.rolsuper, r.rolinherit,"
            + " r.rolcreaterole, r.rolcreatedb, r.rolcanlogin, r.rolreplication, r.rolbypassrls, r.rolconnlimit,"
            + " r.rolvaliduntil, r.rolconfig::text, left(a.rolpassword, 14)),"
            + " 'memberships ' || (select count(*) from pg_auth_members m where m.member = r.oid or m.roleid = r.oid)"
            + " from pg_roles r join pg_authid a on a.oid = r.oid where r.rolname = ?";

    /** The tenant's database as {@code \l} shows it, and what {@code PUBLIC} may do there. */
    private static final String DATABASE = "select 'owner ' || pg_get_userbyid(datdba),"
            + " 'acl ' || datacl::text, 'encoding ' || pg_encoding_to_char(encoding),"
            + " 'collate ' || datcollate || '/' || datctype, 'allowconn ' || datallowconn,"
            + " 'connlimit ' || datconnlimit, 'istemplate ' || datistemplate,"
            + " 'tablespace ' || (select spcname from pg_tablespace t where t.oid = dattablespace),"
            + " 'public ' || has_database_privilege('public', oid, 'connect')"
            + "   || has_database_privilege('public', oid, 'temporary')"
            + "   || has_database_privilege('public', oid, 'create')"
            + " from pg_database where datname = ?";

    /** The database's {@code public} schema as {@code \dn+} shows it, and the schemas there are. */
    private static final String SCHEMA = "select 'schema owner ' || nspowner::regrole::text,"
            + " 'schema acl ' || nspacl::text,"
            + " 'schema public ' || has_schema_privilege('public', oid, 'usage')"
            + "   || has_schema_privilege('public', oid, 'create'),"
            + " 'schemas ' || (select string_agg(nspname, ',' order by nspname) from pg_namespace)"
            + " from pg_namespace where nspname = ?";

    /** The tenant's role, database and {@code public} schema, with the tenant's name as {@code <tenant>}. */
    private String catalog(String tenant) throws SQLException {
        StringBuilder shown = new StringBuilder();
        try (Connection admin = PostgresAdmin.connect(server.access(), PostgresAdmin.MAINTENANCE_DATABASE)) {
            append(admin, ROLE, tenant, shown);
            append(admin, DATABASE, tenant, shown);
        }
        try (Connection database = PostgresAdmin.connect(server.access(), tenant)) {
            append(database, SCHEMA, "public", shown);
        }
        return shown.toString().replace(tenant, "<tenant>");
    }

    private static void append(Connection connection, String query, String name, StringBuilder shown)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setString(1, name);
            try (ResultSet rows = statement.executeQuery()) {
                assertThat(rows.next()).as("a row of %s for %s", query, name).isTrue();
                for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                    shown.append(rows.getString(i)).append('\n');
                }
            }
        }
    }

    private static Connection connect(Credentials tenant) throws SQLException {
        return connect(tenant, tenant.get("PGDATABASE").orElseThrow());
    }

    private static Connection connect(Credentials tenant, String database) throws SQLException {
        return PostgresProviderServerTest.connect(tenant.toMap(), database);
    }

    private String adminQuery(String query) throws SQLException {
        try (Connection admin = PostgresAdmin.connect(server.access(), PostgresAdmin.MAINTENANCE_DATABASE);
                Statement sql = admin.createStatement()) {
            return queryString(sql, query);
        }
    }

    private void adminExecute(String statement) throws SQLException {
        try (Connection admin = PostgresAdmin.connect(server.access(), PostgresAdmin.MAINTENANCE_DATABASE);
                Statement sql = admin.createStatement()) {
            sql.execute(statement);
        }
    }
}
