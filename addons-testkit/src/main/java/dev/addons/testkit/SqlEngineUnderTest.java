package dev.addons.testkit;

import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.ServerAccess;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * An SQL engine, for the scenarios written once for every engine with JDBC
 * ({@link SharedTenantConnectionLimitScenarios}, {@link ChosenConnectionLimitScenarios}): how an app
 * connects from its variables alone, how the server tells a tenant past its connection limit, and
 * how many connections an app on a shared server may ask for. Implementations are stateless and
 * thread-safe.
 */
public interface SqlEngineUnderTest extends EngineUnderTest {

    /** A new instance of the engine's provider. */
    AddonProvider provider();

    /** A JDBC connection to the app's database with the driver, made from the app's variables alone. */
    Connection connect(Map<String, String> variables) throws SQLException;

    /** A query whose first column answers the tenant's name on a connection of that tenant, e.g. {@code select current_user}. */
    String tenantQuery();

    /**
     * Checks that {@code refused} is the server refusing a session because the user of
     * {@code variables} has as many open as its connection limit allows (by the server's message
     * and its error code or SQL state).
     */
    void assertTooManyConnections(SQLException refused, Map<String, String> variables);

    /** Checks, as the server's admin, that {@code tenant} (a dedicated server's only one) has no connection limit. */
    void assertNoConnectionLimit(ServerAccess admin, Binding tenant) throws SQLException;

    /** The most connections an app on a shared server may ask for ({@code connections} in its app file). */
    int sharedConnectionsMax();
}
