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
     * A builder of a request; the addon's id, the app and environment, the variant and the
     * tenant must be set (see {@link Builder}).
     *
     * @since 0.3
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link TenantRequest}. Each setter checks its value at once; {@link #build()}
     * names a required field not set and checks the connection limit against the variant.
     * Default connections: {@link AddonSpec#DEFAULT_CONNECTIONS} on a shared server, none (0) on
     * a dedicated one. Not thread-safe.
     *
     * @since 0.3
     */
    public static final class Builder {
        private String addonId;
        private String app;
        private String environment;
        private String variant;
        private boolean shared;
        private String tenant;
        private Integer connections;

        private Builder() {
        }

        /** The addon record's id. Required. */
        public Builder addonId(String addonId) {
            this.addonId = Objects.requireNonNull(addonId, "addonId == null");
            return this;
        }

        /** The app's name and its environment, e.g. {@code production}. Required. */
        public Builder app(String app, String environment) {
            this.app = Objects.requireNonNull(app, "app == null");
            this.environment = Objects.requireNonNull(environment, "environment == null");
            return this;
        }

        /** The variant's name and whether its server is shared with other apps. Required. */
        public Builder variant(String variant, boolean shared) {
            this.variant = Objects.requireNonNull(variant, "variant == null");
            this.shared = shared;
            return this;
        }

        /** The tenant's name, matching {@code [a-z][a-z0-9_]{0,62}}. Required. */
        public Builder tenant(String tenant) {
            Objects.requireNonNull(tenant, "tenant == null");
            if (!tenant.matches("[a-z][a-z0-9_]{0,62}")) {
                throw new IllegalArgumentException("tenant must match [a-z][a-z0-9_]{0,62}: " + tenant);
            }
            this.tenant = tenant;
            return this;
        }

        /** On a shared server, the most sessions the tenant may have open at once (see {@link #connections()}). */
        public Builder connections(int connections) {
            this.connections = connections;
            return this;
        }

        /**
         * The request; throws {@link IllegalStateException} naming a required field not set, and
         * {@link IllegalArgumentException} when the connections do not fit the variant.
         */
        public TenantRequest build() {
            require(addonId, "addonId");
            require(app, "app");
            require(variant, "variant");
            require(tenant, "tenant");
            int limit = connections != null ? connections : shared ? AddonSpec.DEFAULT_CONNECTIONS : 0;
            return new TenantRequest(addonId, app, environment, variant, shared, tenant, limit);
        }

        private static void require(Object value, String field) {
            if (value == null) {
                throw new IllegalStateException(field + " is not set");
            }
        }
    }
}
