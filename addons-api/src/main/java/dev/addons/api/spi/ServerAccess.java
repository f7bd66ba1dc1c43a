package dev.addons.api.spi;

import dev.addons.api.Endpoint;
import java.util.Objects;

/**
 * How this JVM reaches a running server as its administrator, and whose server it is.
 * {@link #toString()} redacts the password.
 *
 * <p>What a provider makes on a server (a database, a role, a user) carries {@link #owner()}, a
 * mark naming the addons home, and a provider drops or replaces only what carries it. On a
 * server the home runs itself ({@link #external()} is {@code null}) everything is the home's,
 * marked or not (objects made before marks existed have none). On an {@link External} server
 * an object of a tenant's name without the mark belongs to someone else: provisioning refuses
 * it, deprovisioning leaves it.
 *
 * @param serverId      the server's id within its addons home
 * @param endpoint      where this JVM connects (a loopback address and port for local runtimes)
 * @param adminUser     the administrative user
 * @param adminPassword its password
 * @param extraEndpoints where this JVM reaches the server's extra ports, by name
 * @param owner         the mark of the addons home provisioning here, e.g. {@code addons:3f9a0c12d4e5b678};
 *                      letters, digits and {@code : . _ -}, at most 100 characters (safe in an SQL literal)
 * @param external      how to treat a server addons did not start, or {@code null} for one this home runs
 * @since 0.3
 */
public record ServerAccess(String serverId, Endpoint endpoint, String adminUser, String adminPassword,
        java.util.Map<String, Endpoint> extraEndpoints, String owner, External external) {

    /** The owner of accesses made without one (a server of the home's own, in tests and tools). */
    public static final String UNNAMED_OWNER = "addons";

    private static final java.util.regex.Pattern OWNER = java.util.regex.Pattern.compile("[A-Za-z0-9:._-]{1,100}");

    public ServerAccess {
        Objects.requireNonNull(serverId, "serverId == null");
        Objects.requireNonNull(endpoint, "endpoint == null");
        Objects.requireNonNull(adminUser, "adminUser == null");
        Objects.requireNonNull(adminPassword, "adminPassword == null");
        Objects.requireNonNull(owner, "owner == null");
        if (!OWNER.matcher(owner).matches()) {
            throw new IllegalArgumentException("owner must match " + OWNER + ": " + owner);
        }
        extraEndpoints = java.util.Map.copyOf(extraEndpoints);
    }

    /** Access to a server of the home's own with extra ports, owned by {@link #UNNAMED_OWNER}. */
    public ServerAccess(String serverId, Endpoint endpoint, String adminUser, String adminPassword,
            java.util.Map<String, Endpoint> extraEndpoints) {
        this(serverId, endpoint, adminUser, adminPassword, extraEndpoints, UNNAMED_OWNER, null);
    }

    /** Access to a server with one port. */
    public ServerAccess(String serverId, Endpoint endpoint, String adminUser, String adminPassword) {
        this(serverId, endpoint, adminUser, adminPassword, java.util.Map.of());
    }

    /**
     * A server addons did not start, registered by its operator.
     *
     * @param serverWideChanges whether the operator allowed changes that reach beyond the tenants'
     *                          own objects (PostgreSQL: revoking {@code CONNECT} on the maintenance
     *                          databases from {@code PUBLIC})
     * @param tlsCaFile         when not {@code null}, connections use TLS and verify the server's
     *                          certificate against the CA certificates in this file and its host
     *                          name; the admin's and the tenants' alike
     * @since 0.3
     */
    public record External(boolean serverWideChanges, java.nio.file.Path tlsCaFile) {
        public External {
            if (tlsCaFile != null && !tlsCaFile.isAbsolute()) {
                throw new IllegalArgumentException("tlsCaFile must be absolute: " + tlsCaFile);
            }
        }
    }

    /** Whether every object on the server is this home's: a server the home runs itself. */
    public boolean ownsEverything() {
        return external == null;
    }

    /** Whether server-wide changes are allowed: always on the home's own server, when opted in on another. */
    public boolean serverWideChanges() {
        return external == null || external.serverWideChanges();
    }

    /** The CA file to verify the server's certificate with, when connections must use verified TLS. */
    public java.util.Optional<java.nio.file.Path> tlsCaFile() {
        return external == null ? java.util.Optional.empty() : java.util.Optional.ofNullable(external.tlsCaFile());
    }

    /** This access with {@code adminPassword} instead (the admin's password changed). */
    public ServerAccess withAdminPassword(String adminPassword) {
        return new ServerAccess(serverId, endpoint, adminUser, adminPassword, extraEndpoints, owner, external);
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
                + ", adminUser=" + adminUser + ", adminPassword=<redacted>, owner=" + owner + ", external=" + external
                + "]";
    }
}
