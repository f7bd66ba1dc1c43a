package dev.addons.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.Credentials;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.TenantRequest;
import dev.addons.testkit.RuntimeServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The admin's work inside a tenant's database (the checks before a backup or a migration, a
 * restore, a copy) runs none of the tenant's code. The tenant owns its database, so it may set
 * the database's {@code search_path} and define operators and aggregates that shadow the
 * built-ins the admin's queries use; the trap here does so, with bodies that make the tenant a
 * superuser and write a server file, which only a superuser can, when a superuser runs them
 * (summaries run read-only, where only the file shows it). On a real PostgreSQL 15 server from
 * Debian on the process runtime.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantCodeNeverRunsAsTheAdminTest {

    /** What the tenant runs in its database: a trap for a superuser session that enters it. */
    private static final List<String> TRAP = List.of(
            "create function public.trap() returns void language plpgsql as $f$"
                    + " declare owner text := (select pg_catalog.pg_get_userbyid(datdba) from pg_catalog.pg_database"
                    + "   where datname operator(pg_catalog.=) pg_catalog.current_database());"
                    + " begin"
                    + "   begin execute pg_catalog.format('alter role %I superuser', owner);"
                    + "   exception when others then null; end;"
                    + "   begin execute pg_catalog.format('copy (select 1) to %L',"
                    + "     pg_catalog.current_setting('data_directory') operator(pg_catalog.||) '/ran-as-superuser-'"
                    + "     operator(pg_catalog.||) owner);"
                    + "   exception when others then null; end;"
                    + " end $f$",
            // Shadows pg_catalog.<>(name, name) once the database's search_path puts public first.
            "create function public.trap_ne(a name, b name) returns boolean language plpgsql as $f$"
                    + " begin perform public.trap(); return a operator(pg_catalog.<>) b; end $f$",
            "create operator public.<> (leftarg = name, rightarg = name, function = public.trap_ne)",
            // Beats pg_catalog.!~~(name, text) for "name not like 'literal'" with any search_path
            // that holds public, the default one included: an exact match wins over a cast.
            "create function public.trap_not_like(a name, b name) returns boolean language plpgsql as $f$"
                    + " begin perform public.trap(); return a::text operator(pg_catalog.!~~) b::text; end $f$",
            "create operator public.!~~ (leftarg = name, rightarg = name, function = public.trap_not_like)",
            "create function public.trap_count(n int8) returns int8 language plpgsql as $f$"
                    + " begin perform public.trap(); return n operator(pg_catalog.+) 1; end $f$",
            "create aggregate public.count(*) (sfunc = public.trap_count, stype = int8, initcond = '0')",
            "create table public.visits (id int)",
            "insert into public.visits values (1)");

    private final PostgresProvider provider = new PostgresProvider();
    private final List<String> tenants = new ArrayList<>();
    private RuntimeServer server;

    @BeforeAll
    void startServer() throws Exception {
        server = RuntimeServer.onProcess(provider, new PostgresUnderTest().processVersion());
    }

    @AfterAll
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void deprovisionTenants() {
        tenants.forEach(tenant -> provider.deprovision(request(tenant), Binding.of(), server.access()));
        tenants.clear();
    }

    @Test
    void lookingForDataRunsNoneOfTheTenantsCode() throws SQLException {
        Binding tenant = trapped("hasdata");

        assertThat(provider.hasData(request("hasdata"), tenant, server.access())).isTrue();

        assertRanNoTenantCode("hasdata", "hasData");
    }

    @Test
    void summarizingRunsNoneOfTheTenantsCode() throws SQLException {
        Binding tenant = trapped("summary");

        assertThat(provider.summary(request("summary"), tenant, server.access()))
                .isEqualTo(Map.of("public.visits", "1"));

        assertRanNoTenantCode("summary", "summary");
    }

    @Test
    void aBackupARestoreAndTheChecksAfterItRunNoneOfTheTenantsCode() throws SQLException {
        Binding tenant = trapped("restored");

        ByteArrayOutputStream dump = new ByteArrayOutputStream();
        provider.backup(request("restored"), tenant, server.access(), server.tools(), dump);
        assertRanNoTenantCode("restored", "backup");
        provider.restore(request("restored"), tenant, server.access(), server.tools(),
                new ByteArrayInputStream(dump.toByteArray()));
        assertRanNoTenantCode("restored", "restore");
        provider.cleanUpInterruptedRestore(request("restored"), tenant, server.access());
        assertRanNoTenantCode("restored", "cleanUpInterruptedRestore");
        // The restored database has the trap but not the search_path: the default one still holds public.
        assertThat(provider.hasData(request("restored"), tenant, server.access())).isTrue();
        assertRanNoTenantCode("restored", "hasData after the restore");
    }

    @Test
    void aRestoredDumpWhoseCodeResetsTheRoleDoesNotRunAsTheAdmin() throws SQLException {
        Binding tenant = trapped("reset");
        try (Connection connection = connect(provider.credentials(tenant, server.access().endpoint()));
                Statement sql = connection.createStatement()) {
            // Loading a row checks it: the check resets the role to the session's user and, were that
            // the admin (pg_restore --role), would make the tenant a superuser.
            sql.execute("create function public.reset_and_trap(v int) returns boolean language plpgsql as $f$"
                    + " begin begin reset role; perform public.trap(); exception when others then null; end;"
                    + " return true; end $f$");
            sql.execute("create table public.checked (v int check (public.reset_and_trap(v)))");
            sql.execute("insert into public.checked values (1)");
        }
        assertRanNoTenantCode("reset", "the tenant's own insert");
        ByteArrayOutputStream dump = new ByteArrayOutputStream();
        provider.backup(request("reset"), tenant, server.access(), server.tools(), dump);

        provider.restore(request("reset"), tenant, server.access(), server.tools(),
                new ByteArrayInputStream(dump.toByteArray()));

        assertRanNoTenantCode("reset", "a restore of a dump whose check resets the role");
        assertThat(provider.summary(request("reset"), tenant, server.access())).containsEntry("public.checked", "1");
    }

    @Test
    void aCopyAndTheChecksOnItRunNoneOfTheTenantsCode() throws SQLException {
        Binding source = trapped("source");

        Binding copy = provider.provisionCopy(request("copied"), request("source"), source, server.access());
        tenants.add("copied");
        assertRanNoTenantCode("source", "provisionCopy");
        assertRanNoTenantCode("copied", "provisionCopy");
        // The copy has the trap but not the search_path (CREATE DATABASE copies no settings).
        assertThat(provider.hasData(request("copied"), copy, server.access())).isTrue();
        assertThat(provider.summary(request("copied"), copy, server.access())).isEqualTo(Map.of("public.visits", "1"));
        assertRanNoTenantCode("copied", "hasData and summary of the copy");
    }

    @Test
    void anAdminSessionInATenantsDatabaseIsTheAdminWithTheCatalogFirstWhateverTheDatabaseSays()
            throws SQLException {
        Binding tenant = trapped("settings");
        try (Connection connection = connect(provider.credentials(tenant, server.access().endpoint()));
                Statement sql = connection.createStatement()) {
            sql.execute("alter database settings set role = settings");
        }

        try (Connection admin = PostgresAdmin.connect(server.access(), "settings");
                Statement sql = admin.createStatement()) {
            assertThat(query(sql, "select current_user || ' ' || current_setting('search_path')"))
                    .isEqualTo(server.access().adminUser() + " pg_catalog,pg_temp");
        }
    }

    /** A tenant whose database holds the trap and puts public before pg_catalog in its search_path. */
    private Binding trapped(String name) throws SQLException {
        Binding binding = provider.provision(request(name), server.access());
        tenants.add(name);
        try (Connection connection = connect(provider.credentials(binding, server.access().endpoint()));
                Statement sql = connection.createStatement()) {
            for (String statement : TRAP) {
                sql.execute(statement);
            }
            sql.execute("alter database " + SqlIdentifiers.quote(name) + " set search_path = public, pg_catalog");
            // Sprung by the tenant itself, the trap does nothing: it has not the rights.
            assertThat(query(sql, "select count(*) from pg_class where relname !~~ 'pg%'")).isNotNull();
        }
        assertRanNoTenantCode(name, "the tenant's own session");
        return binding;
    }

    /** The tenant's role is no superuser, and no server file was written in its name. */
    private void assertRanNoTenantCode(String tenant, String after) throws SQLException {
        try (Connection admin = PostgresAdmin.connect(server.access(), PostgresAdmin.MAINTENANCE_DATABASE);
                PreparedStatement check = admin.prepareStatement("select r.rolsuper, (pg_catalog.pg_stat_file("
                        + "pg_catalog.current_setting('data_directory') || '/ran-as-superuser-' || r.rolname, true))"
                        + ".size is not null from pg_catalog.pg_roles r where r.rolname = ?")) {
            check.setString(1, tenant);
            try (ResultSet rs = check.executeQuery()) {
                assertThat(rs.next()).as("role %s exists", tenant).isTrue();
                assertThat(rs.getBoolean(1)).as("after %s, tenant %s is a superuser", after, tenant).isFalse();
                assertThat(rs.getBoolean(2)).as("after %s, tenant %s's code wrote a server file", after, tenant)
                        .isFalse();
            }
        }
    }

    private static TenantRequest request(String tenant) {
        return TenantRequest.builder()
                .addonId("addon-" + tenant)
                .app(tenant, "test")
                .variant("shared", true)
                .tenant(tenant)
                .build();
    }

    private static Connection connect(Credentials variables) throws SQLException {
        Map<String, String> env = variables.toMap();
        Properties properties = new Properties();
        properties.setProperty("user", env.get("PGUSER"));
        properties.setProperty("password", env.get("PGPASSWORD"));
        return DriverManager.getConnection(
                "jdbc:postgresql://" + env.get("PGHOST") + ":" + env.get("PGPORT") + "/" + env.get("PGDATABASE"),
                properties);
    }

    private static String query(Statement sql, String query) throws SQLException {
        try (ResultSet rs = sql.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
