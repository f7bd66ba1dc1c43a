package dev.addons.core;

import dev.addons.api.Endpoint;
import java.util.List;
import java.util.Objects;

/**
 * An external server registered in an addons home: a server addons did not start, on which
 * {@code shared} addons that name it get their database and user. Holds no secret.
 *
 * @param name      the name app files and specs use ({@code server = "NAME"})
 * @param addon     the addon whose tenants it hosts, e.g. {@code postgresql}
 * @param endpoint  where it listens
 * @param adminUser the user addons administers it as
 * @param tenants   the addons on it, as {@code app/environment}
 * @param serverWideChanges whether addons may change the server beyond its tenants' own objects
 *                  (PostgreSQL: close {@code postgres} and {@code template1} to {@code PUBLIC}); since 0.3
 * @param tlsCaFile the CA file its TLS certificate is verified with, if connections use verified TLS; since 0.3
 * @since 0.1.0
 */
public record ServerInfo(String name, String addon, Endpoint endpoint, String adminUser, List<String> tenants,
        boolean serverWideChanges, java.util.Optional<java.nio.file.Path> tlsCaFile) {
    public ServerInfo {
        Objects.requireNonNull(tlsCaFile, "tlsCaFile == null");
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(addon, "addon == null");
        Objects.requireNonNull(endpoint, "endpoint == null");
        Objects.requireNonNull(adminUser, "adminUser == null");
        tenants = List.copyOf(tenants);
    }
}
