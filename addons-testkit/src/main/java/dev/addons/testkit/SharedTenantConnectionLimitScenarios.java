package dev.addons.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonSpec;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.TenantRequest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One app on a shared server cannot take every connection it has: its user opens at most
 * {@link AddonSpec#DEFAULT_CONNECTIONS} sessions, the next is refused by the server, and another
 * app still connects. A dedicated server's only tenant has no limit. Driven through the engine's
 * provider on a real server of the process runtime ({@link RuntimeServer}), shared by the tests of
 * a class; apps connect with their variables alone. An engine module extends it once:
 *
 * <pre>{@code
 * class SharedTenantConnectionLimitTest extends SharedTenantConnectionLimitScenarios {
 *     SharedTenantConnectionLimitTest() {
 *         super(new PostgresUnderTest());
 *     }
 * }
 * }</pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SharedTenantConnectionLimitScenarios {
    private final SqlEngineUnderTest engine;
    private final AddonProvider provider;
    private RuntimeServer server;

    protected SharedTenantConnectionLimitScenarios(SqlEngineUnderTest engine) {
        this.engine = Objects.requireNonNull(engine, "engine == null");
        this.provider = engine.provider();
    }

    @BeforeAll
    void startServer() throws Exception {
        server = RuntimeServer.onProcess(provider, engine.processVersion());
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
                    .satisfies(e -> engine.assertTooManyConnections((SQLException) e, variables(greedy)));
            try (Connection connection = connect(other); Statement sql = connection.createStatement();
                    ResultSet rs = sql.executeQuery(engine.tenantQuery())) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("other");
            }
            open.remove(0).close();
            connectOnceTheServerFreedASession(greedy).close();
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
        try {
            engine.assertNoConnectionLimit(server.access(), alone);
        } finally {
            provider.deprovision(request("alone", false), Binding.of(), server.access());
        }
    }

    /**
     * A session of {@code tenant}, retried for up to 5 s while the limit still refuses it: a
     * client's close returns before the server's session for it has ended (PostgreSQL's backend
     * exits after the client left), so the freed slot is seen a moment later.
     */
    private Connection connectOnceTheServerFreedASession(Binding tenant) throws SQLException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try {
                return connect(tenant);
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    engine.assertTooManyConnections(e, variables(tenant));
                } catch (AssertionError other) {
                    throw e; // Another failure than the limit: no point waiting.
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private Connection connect(Binding tenant) throws SQLException {
        return engine.connect(variables(tenant));
    }

    private Map<String, String> variables(Binding tenant) {
        return provider.credentials(tenant, server.access().endpoint()).toMap();
    }

    private static TenantRequest request(String tenant, boolean shared) {
        return TenantRequest.builder()
                .addonId("addon-" + tenant)
                .app(tenant, "test")
                .variant(shared ? "shared" : "small", shared)
                .tenant(tenant)
                .build();
    }
}
