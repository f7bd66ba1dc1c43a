package dev.addons.api.spi;

import dev.addons.api.Endpoint;
import java.util.Objects;

/**
 * How this JVM reaches a running server as its administrator. {@link #toString()} redacts the
 * password.
 *
 * @param serverId      the server's id within its addons home
 * @param endpoint      where this JVM connects (a loopback address and port for local runtimes)
 * @param adminUser     the administrative user
 * @param adminPassword its password
 * @param extraEndpoints where this JVM reaches the server's extra ports, by name
 * @param external      whether the server is an external one, which addons does not run (registered
 *                      with {@code addons servers add}): a provider must then leave nothing on it but
 *                      the tenants it is asked for (no spares, no caches of its own); {@code @since 0.2}
 */
public record ServerAccess(String serverId, Endpoint endpoint, String adminUser, String adminPassword,
        java.util.Map<String, Endpoint> extraEndpoints, boolean external) {
    public ServerAccess {
        Objects.requireNonNull(serverId, "serverId == null");
        Objects.requireNonNull(endpoint, "endpoint == null");
        Objects.requireNonNull(adminUser, "adminUser == null");
        Objects.requireNonNull(adminPassword, "adminPassword == null");
        extraEndpoints = java.util.Map.copyOf(extraEndpoints);
    }

    /** Access to a server addons runs. */
    public ServerAccess(String serverId, Endpoint endpoint, String adminUser, String adminPassword,
            java.util.Map<String, Endpoint> extraEndpoints) {
        this(serverId, endpoint, adminUser, adminPassword, extraEndpoints, false);
    }

    /** Access to a server with one port, which addons runs. */
    public ServerAccess(String serverId, Endpoint endpoint, String adminUser, String adminPassword) {
        this(serverId, endpoint, adminUser, adminPassword, java.util.Map.of());
    }

    /** The endpoint of the extra port {@code name}; throws {@link IllegalArgumentException} when there is none. */
    public Endpoint endpoint(String name) {
        Endpoint extra = extraEndpoints.get(name);
        if (extra == null) {
            throw new IllegalArgumentException("server " + serverId + " has no port named '" + name + "'; it has "
                    + new java.util.TreeSet<>(extraEndpoints.keySet()));
        }
        return extra;
    }

    @Override
    public String toString() {
        return "ServerAccess[serverId=" + serverId + ", endpoint=" + endpoint + ", extraEndpoints=" + extraEndpoints
                + ", adminUser=" + adminUser + ", adminPassword=<redacted>" + (external ? ", external" : "") + "]";
    }
}
