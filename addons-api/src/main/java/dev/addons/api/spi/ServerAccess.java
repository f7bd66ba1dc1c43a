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
 */
public record ServerAccess(String serverId, Endpoint endpoint, String adminUser, String adminPassword) {
    public ServerAccess {
        Objects.requireNonNull(serverId, "serverId == null");
        Objects.requireNonNull(endpoint, "endpoint == null");
        Objects.requireNonNull(adminUser, "adminUser == null");
        Objects.requireNonNull(adminPassword, "adminPassword == null");
    }

    @Override
    public String toString() {
        return "ServerAccess[serverId=" + serverId + ", endpoint=" + endpoint + ", adminUser=" + adminUser
                + ", adminPassword=<redacted>]";
    }
}
