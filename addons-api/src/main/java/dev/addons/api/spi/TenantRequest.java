package dev.addons.api.spi;

import dev.addons.api.AddonSpec;
import java.util.Objects;

/**
 * Which app's tenant a provider is asked to create or remove.
 *
 * @param addonId     the addon record's id
 * @param app         the app's name
 * @param environment the environment, e.g. {@code production}
 * @param variant     the variant's name
 * @param shared      whether the server is shared with other apps
 * @param tenant      a name for the tenant's database, role or user: unique on its server,
 *                    matching {@code [a-z][a-z0-9_]{0,62}}, safe in SQL identifiers and paths
 * @param connections on a shared server, the most sessions the tenant may have open at once, at
 *                    least 1 (a provider that limits them, see
 *                    {@link ConnectionLimitCapability}, applies it when it makes the
 *                    tenant, and {@link ConnectionLimitCapability#limitConnections} changes it on a live one);
 *                    0, for no limit, on a dedicated server ({@code @since 0.3})
 */
public record TenantRequest(String addonId, String app, String environment, String variant, boolean shared,
        String tenant, int connections) {

    public TenantRequest {
        Objects.requireNonNull(addonId, "addonId == null");
        Objects.requireNonNull(app, "app == null");
        Objects.requireNonNull(environment, "environment == null");
        Objects.requireNonNull(variant, "variant == null");
        Objects.requireNonNull(tenant, "tenant == null");
        if (!tenant.matches("[a-z][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("tenant must match [a-z][a-z0-9_]{0,62}: " + tenant);
        }
        if (shared ? connections < 1 : connections != 0) {
            throw new IllegalArgumentException("connections out of range: " + connections + " (at least 1 on a shared"
                    + " server, 0 on a dedicated one)");
        }
    }

    /**
     * A request whose tenant has, on a shared server, the default limit
     * ({@link AddonSpec#DEFAULT_CONNECTIONS}), and on a dedicated one none.
     */
    public TenantRequest(String addonId, String app, String environment, String variant, boolean shared,
            String tenant) {
        this(addonId, app, environment, variant, shared, tenant, shared ? AddonSpec.DEFAULT_CONNECTIONS : 0);
    }
}
