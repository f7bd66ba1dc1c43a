package dev.addons.api.spi;

/**
 * Copies of a tenant on its own shared server, made faster than a backup and a restore
 * (PostgreSQL: {@code CREATE DATABASE ... TEMPLATE}, a file copy that takes a fraction of a
 * second): what a test run uses to give each test a fresh copy of a prepared database.
 *
 * @since 0.3
 */
public interface TenantCopyCapability extends Capability {

    /**
     * Creates the tenant {@code request} as a copy of the tenant {@code source} on the same running
     * shared server, with a login of its own. The source's sessions may be ended for it, its data
     * is left as it was. Must be safe to retry, as {@link AddonProvider#provision} is.
     *
     * @return what {@link AddonProvider#credentials} and {@link AddonProvider#deprovision} need
     *         later, as {@link AddonProvider#provision} returns
     */
    Binding provisionCopy(TenantRequest request, TenantRequest source, Binding sourceBinding, ServerAccess server);
}
