package dev.addons.mysql;

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
import dev.addons.api.spi.TenantRequest;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code mysql} addon: MySQL 8 and 9 (default 9), as a dedicated server ({@code small}) or as
 * a database and user of its own on a server shared by several apps ({@code shared}). Each tenant
 * is a database and a user with privileges on that database alone. Its variables are
 * {@code DATABASE_URL} ({@code mysql://user:pass@host:port/db}), {@code MYSQL_HOST},
 * {@code MYSQL_PORT}, {@code MYSQL_USER}, {@code MYSQL_PASSWORD} and {@code MYSQL_DATABASE}.
 *
 * <p>On the process runtime, MySQL 8 is served by MariaDB 10.11 from Debian's
 * {@code mariadb-server}: the same protocol and, for ordinary apps, the same SQL; the binding
 * keeps the server's real {@code version()} and provisioning logs it. MySQL 9 cannot be served
 * from this host's binaries and is refused before anything starts, with what to do instead
 * ({@link MysqlBinaries}). As containers, both run the official {@code mysql:<version>} image; a
 * version containing {@code ':'} is a full image reference and runs as a container only. The
 * admin connects over JDBC with MySQL Connector/J.
 *
 * <p>Passwords are random and never appear in exception messages, logs or command lines: a
 * tenant's reaches the server as a bind parameter of {@code CREATE USER}, the admin's as a
 * password hash at initialization (as {@code MYSQL_ROOT_PASSWORD} for the image).
 *
 * <p>Backups are {@code mysqldump --single-transaction} dumps taken while the server runs,
 * restored into a new database whose tables replace the tenant's in one {@code RENAME TABLE}
 * once they have loaded ({@link MysqlBackups}); they load into any tenant of a server of the same
 * engine. Databases with views, triggers, stored routines or events are backed up, but their
 * restore is refused. The tools run next to the server: inside its container, or from the
 * binaries the process runtime started it from.
 *
 * <p>Stateless and thread-safe; the no-arg constructor does nothing.
 */
public final class MysqlProvider implements AddonProvider, BackupCapability, ConnectionLimitCapability {

    static final ProviderDescriptor DESCRIPTOR = ProviderDescriptor.builder("mysql")
            .description("Managed MySQL database")
            .variant(Variant.small("Dedicated server"))
            .variant(Variant.sharedVariant("Multi-app shared server: a database and user per app"))
            .versions("8", "9")
            .defaultVersion("9")
            .build();
    private static final int CONTAINER_PORT = 3306;
    private static final String CONTAINER_DATA = "/var/lib/mysql";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    /** Creates the provider; does no I/O. */
    public MysqlProvider() {
    }

    @Override
    public ProviderDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ServerDefinition server(ServerRequest request) {
        String version = request.version();
        boolean imageReference = version.indexOf(':') >= 0;
        String image = imageReference ? version : "mysql:" + version;
        ProcessRecipe process = imageReference ? null
                : MysqlProcess.recipe(MysqlBinaries.forVersion(version), request.adminPassword(), request.throwaway());
        ContainerRecipe container = ContainerRecipe.builder(image, CONTAINER_PORT, CONTAINER_DATA)
                .environment(Map.of("MYSQL_ROOT_PASSWORD", request.adminPassword()))
                .build();
        return new ServerDefinition(DESCRIPTOR.name(), version, MysqlProcess.ADMIN_USER, request.adminPassword(), process,
                container, MysqlAdmin::checkReady, START_TIMEOUT);
    }

    @Override
    public Binding provision(TenantRequest request, ServerAccess server) {
        return MysqlTenants.provision(request.tenant(), connectionLimit(request), server);
    }

    /**
     * A server's 151 connections ({@code max_connections}' default, which addons keeps) less one;
     * the admin has an extra one of its own.
     */
    @Override
    public int maxTenantConnections() {
        return MysqlTenants.MAX_CONNECTION_LIMIT;
    }

    /** {@code ALTER USER ... WITH MAX_USER_CONNECTIONS}: the user's next session counts against the new limit. */
    @Override
    public void limitConnections(TenantRequest request, Binding binding, ServerAccess server) {
        MysqlTenants.limitConnections(request.tenant(), connectionLimit(request), server);
    }

    /** The user's {@code MAX_USER_CONNECTIONS}: the request's on a shared server, none on a dedicated one. */
    private static int connectionLimit(TenantRequest request) {
        return request.shared() ? request.connections() : MysqlTenants.NO_CONNECTION_LIMIT;
    }

    @Override
    public Credentials credentials(Binding binding, Endpoint endpoint) {
        return MysqlCredentials.of(binding, endpoint);
    }

    @Override
    public Optional<AddonVariables> variables() {
        return Optional.of(MysqlCredentials.VARIABLES);
    }

    @Override
    public Optional<JdbcUrl> jdbcUrl() {
        return Optional.of(MysqlCredentials.JDBC);
    }

    @Override
    public Map<String, String> springBootProperties(Credentials credentials) {
        return MysqlCredentials.springBootProperties(credentials);
    }

    @Override
    public void deprovision(TenantRequest request, Binding binding, ServerAccess server) {
        MysqlTenants.deprovision(request.tenant(), server);
    }

    /**
     * MySQL's system databases, {@code root}, {@code public} and the admin user are the server's;
     * {@code addons_catalog} holds addons' marks on servers it does not run.
     */
    @Override
    public Optional<String> tenantNameProblem(String tenant) {
        return MysqlIdentifiers.isReserved(tenant, MysqlProcess.ADMIN_USER)
                ? Optional.of("which MySQL or addons keeps for itself (" + MysqlIdentifiers.RESERVED_NAMES + ")")
                : Optional.empty();
    }

    /**
     * Writes {@code mysqldump --single-transaction}'s dump of the tenant's database (see
     * {@link MysqlBackups}). A tool the runtime cannot find next to the server ends in
     * {@link dev.addons.api.UnsupportedOperationAddonException} naming it.
     */
    @Override
    public void backup(TenantRequest request, Binding binding, ServerAccess server, ServerTools tools,
            OutputStream out) {
        MysqlBackups.backup(request.tenant(), binding, server, tools, out);
    }

    /**
     * Loads the dump into a new database as the tenant's user with the {@code mysql} client, then
     * swaps all tables in with one {@code RENAME TABLE} (see {@link MysqlBackups}). The old tables
     * stay untouched until the load has succeeded. Refused, with the data unchanged, when the dump
     * or the tenant holds views, triggers, stored routines or events.
     */
    @Override
    public void restore(TenantRequest request, Binding binding, ServerAccess server, ServerTools tools,
            InputStream in) {
        MysqlBackups.restore(request.tenant(), binding, server, tools, in);
    }

    /** Drops what a restore whose process died left: its scratch and holding databases, its grant. */
    @Override
    public void cleanUpInterruptedRestore(TenantRequest request, Binding binding, ServerAccess server) {
        MysqlBackups.cleanUpInterruptedRestore(request.tenant(), binding, server);
    }

    /** Whether the tenant's database holds a table, view, trigger, routine or event. */
    @Override
    public boolean hasData(TenantRequest request, Binding binding, ServerAccess server) {
        return MysqlBackups.hasData(request.tenant(), binding, server);
    }

    /** Each table and its exact row count, read in one consistent snapshot. */
    @Override
    public Map<String, String> summary(TenantRequest request, Binding binding, ServerAccess server) {
        return MysqlBackups.summary(request.tenant(), binding, server);
    }
}
