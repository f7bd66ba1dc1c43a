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
 */
public record ServerAccess(String serverId, Endpoint endpoint, String adminUser, String adminPassword,
        java.util.Map<String, Endpoint> extraEndpoints) {
    public ServerAccess {
        Objects.requireNonNull(serverId, "serverId == null");
        Objects.requireNonNull(endpoint, "endpoint == null");
        Objects.requireNonNull(adminUser, "adminUser == null");
        Objects.requireNonNull(adminPassword, "adminPassword == null");
        extraEndpoints = java.util.Map.copyOf(extraEndpoints);
    }

    /** Access to a server with one port. */
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
                + ", adminUser=" + adminUser + ", adminPassword=<redacted>]";
    }
}
