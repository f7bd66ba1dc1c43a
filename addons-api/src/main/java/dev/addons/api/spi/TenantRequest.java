package dev.addons.api.spi;

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
 */
public record TenantRequest(
        String addonId, String app, String environment, String variant, boolean shared, String tenant) {

    public TenantRequest {
        Objects.requireNonNull(addonId, "addonId == null");
        Objects.requireNonNull(app, "app == null");
        Objects.requireNonNull(environment, "environment == null");
        Objects.requireNonNull(variant, "variant == null");
        Objects.requireNonNull(tenant, "tenant == null");
        if (!tenant.matches("[a-z][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("tenant must match [a-z][a-z0-9_]{0,62}: " + tenant);
        }
    }
}
