package dev.addons.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonSpec;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.TenantRequest;
import dev.addons.testkit.RuntimeServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One app on a shared server cannot take every connection it has: its role opens at most
 * {@link AddonSpec#DEFAULT_CONNECTIONS} sessions, the next is refused by PostgreSQL, and
 * another app still connects. A dedicated server's only tenant has no limit. On a real
 * PostgreSQL 15 server from Debian on the process runtime.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedTenantConnectionLimitTest {
    private final PostgresProvider provider = new PostgresProvider();
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

    @Test
    void aSharedTenantOpensTwentySessionsTheTwentyFirstIsRefusedAndAnotherTenantStillConnects()
            throws SQLException {
        Binding greedy = provider.provision(request("greedy", true), server.access());
        Binding other = provider.provision(request("other", true), server.access());
        List<Connection> open = new ArrayList<>();
        try {
            for (int i = 0; i < AddonSpec.DEFAULT_CONNECTIONS; i++) {
                open.add(connect(greedy));
            }

            assertThatThrownBy(() -> connect(greedy).close())
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("too many connections for role \"greedy\"")
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("53300");
            try (Connection connection = connect(other); Statement sql = connection.createStatement();
                    ResultSet rs = sql.executeQuery("select current_user")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("other");
            }
            open.remove(0).close();
            connect(greedy).close();
        } finally {
            for (Connection connection : open) {
                connection.close();
            }
            provider.deprovision(request("greedy", true), Binding.of(), server.access());
            provider.deprovision(request("other", true), Binding.of(), server.access());
        }
    }

    @Test
    void aDedicatedServersTenantHasNoLimit() throws SQLException {
        provider.provision(request("alone", false), server.access());
        try (Connection admin = PostgresAdmin.connect(server.access(), PostgresAdmin.MAINTENANCE_DATABASE);
                Statement sql = admin.createStatement();
                ResultSet rs = sql.executeQuery("select rolconnlimit from pg_catalog.pg_roles where rolname = 'alone'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(-1);
        } finally {
            provider.deprovision(request("alone", false), Binding.of(), server.access());
        }
    }

    private Connection connect(Binding tenant) throws SQLException {
        Map<String, String> env = provider.credentials(tenant, server.access().endpoint()).toMap();
        Properties properties = new Properties();
        properties.setProperty("user", env.get("PGUSER"));
        properties.setProperty("password", env.get("PGPASSWORD"));
        return DriverManager.getConnection(
                "jdbc:postgresql://" + env.get("PGHOST") + ":" + env.get("PGPORT") + "/" + env.get("PGDATABASE"),
                properties);
    }

    private static TenantRequest request(String tenant, boolean shared) {
        return new TenantRequest("addon-" + tenant, tenant, "test", shared ? "shared" : "small", shared, tenant);
    }
}
