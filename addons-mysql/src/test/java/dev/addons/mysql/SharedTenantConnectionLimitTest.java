package dev.addons.mysql;

import static dev.addons.mysql.AppConnections.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonSpec;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.TenantRequest;
import dev.addons.testkit.RuntimeServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One app on a shared server cannot take every connection it has: its user opens at most
 * {@link AddonSpec#DEFAULT_CONNECTIONS} sessions, the next is refused by the server (error
 * 1226), and another app still connects. A dedicated server's only tenant has no limit. On
 * MariaDB 10.11 from Debian on the process runtime.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedTenantConnectionLimitTest {
    /** MySQL's and MariaDB's error for an account past one of its resource limits. */
    private static final int USER_LIMIT_REACHED = 1226;

    private final MysqlProvider provider = new MysqlProvider();
    private RuntimeServer server;

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
                    .hasMessageContaining("max_user_connections")
                    .extracting(e -> ((SQLException) e).getErrorCode()).isEqualTo(USER_LIMIT_REACHED);
            try (Connection connection = connect(other); Statement sql = connection.createStatement()) {
                assertThat(queryString(sql, "select database()")).isEqualTo("other");
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
        Binding alone = provider.provision(request("alone", false), server.access());
        try (Connection admin = MysqlAdmin.connect(server.access()); Statement sql = admin.createStatement()) {
            assertThat(queryString(sql, "select max_user_connections from mysql.user where user = '"
                    + alone.require(MysqlCredentials.USER) + "'")).isEqualTo("0");
        } finally {
            provider.deprovision(request("alone", false), Binding.of(), server.access());
        }
    }

    private Connection connect(Binding tenant) throws SQLException {
        Map<String, String> variables = provider.credentials(tenant, server.access().endpoint()).toMap();
        return AppConnections.connect(variables, variables.get("MYSQL_DATABASE"));
    }

    private static TenantRequest request(String tenant, boolean shared) {
        return new TenantRequest("addon-" + tenant, tenant, "test", shared ? "shared" : "small", shared, tenant);
    }
}
