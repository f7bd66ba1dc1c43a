package dev.addons.api.spi;

/**
 * Limits on the sessions a tenant of a shared server may have open at once (PostgreSQL:
 * {@code CONNECTION LIMIT} of the tenant's role; MySQL: {@code MAX_USER_CONNECTIONS}). A provider
 * without it limits no tenant's connections: an app asking for a limit is then refused.
 *
 * @since 0.3
 */
public interface ConnectionLimitCapability extends Capability {

    /**
     * The most sessions a tenant of this engine's shared servers may be allowed at once
     * ({@link TenantRequest#connections()} ranges from 1 to this). The provider applies
     * {@link TenantRequest#connections()} when it makes a shared tenant. Cheap, no I/O.
     */
    int maxTenantConnections();

    /**
     * Sets the live tenant's limit to {@link TenantRequest#connections()} on its running shared
     * server, changing nothing else (PostgreSQL: {@code ALTER ROLE ... CONNECTION LIMIT}). Sessions
     * already open stay open; the new limit holds for the next one. Idempotent.
     */
    void limitConnections(TenantRequest request, Binding binding, ServerAccess server);
}
