package dev.addons.redis;

import dev.addons.api.Credentials;
import dev.addons.api.Endpoint;
import dev.addons.api.ProvisioningException;
import dev.addons.api.Variant;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.AddonVariables;
import dev.addons.api.spi.BackupCapability;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.ContainerFile;
import dev.addons.api.spi.ContainerRecipe;
import dev.addons.api.spi.ProcessRecipe;
import dev.addons.api.spi.ProviderDescriptor;
import dev.addons.api.spi.Redaction;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.api.spi.ServerRequest;
import dev.addons.api.spi.ServerTools;
import dev.addons.api.spi.TenantRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code valkey} addon (alias {@code redis}): a dedicated Valkey 7, 8 or 9 server per app
 * ({@code small}, the only variant). Valkey is wire-compatible with Redis, so the app gets both
 * {@code VALKEY_*} and {@code REDIS_*} variables for the same server: {@code _URL}
 * ({@code redis://:password@host:port}), {@code _HOST}, {@code _PORT} and {@code _PASSWORD}.
 *
 * <p>The whole server is the app's: the tenant is the server's {@code default} user, whose
 * password is the server's {@code requirepass}, as the URL's empty user name implies. There is no
 * ACL user per app, since no other app shares the server.
 *
 * <p>On the process runtime a server runs from {@code valkey-server} of the requested major on
 * this host, or for 7 from {@code redis-server} 7.x (Valkey 7.2 forked from Redis 7.2); see
 * {@link ValkeyBinaries}. A requested major the host has no binary for is refused before
 * anything starts, naming what the host has. The container runtime runs the official
 * {@code valkey/valkey:<major>} image with the command {@code valkey-server
 * /data/addons-valkey.conf}, a file (mode 0600) the runtime writes before the start that sets the
 * password, so that neither the container's command, its environment nor {@code ps} shows it; a
 * version containing {@code ':'} is a full image reference.
 * {@link ValkeyProcess} tells how the server is configured.
 *
 * <p>Backups are RDB snapshots taken from the running server, and a restore replaces the
 * server's snapshot file while it is stopped; see {@link ValkeyBackups}.
 *
 * <p>Stateless and thread-safe; the no-arg constructor does nothing.
 */
public final class ValkeyProvider implements AddonProvider, BackupCapability {
    private static final Logger LOG = LoggerFactory.getLogger(ValkeyProvider.class);

    static final ProviderDescriptor DESCRIPTOR = ProviderDescriptor.builder("valkey")
            .aliases("redis")
            .description("Managed Valkey key-value store (Redis-compatible)")
            .variant(Variant.small("Dedicated server"))
            .versions("7", "8", "9")
            .defaultVersion("9")
            .build();
    private static final String ADMIN_USER = "default";
    private static final int CONTAINER_PORT = 6379;
    private static final String CONTAINER_DATA = "/data";
    /**
     * The configuration file holding the password, in the data directory: the image's entrypoint
     * gives what is there to the valkey user before it drops root, so the server can read the file.
     */
    static final String CONTAINER_CONFIG = CONTAINER_DATA + "/addons-valkey.conf";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    /** Creates the provider; does no I/O. */
    public ValkeyProvider() {
    }

    @Override
    public ProviderDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ServerDefinition server(ServerRequest request) {
        String version = request.version();
        boolean imageReference = version.indexOf(':') >= 0;
        ProcessRecipe process = imageReference ? null : ValkeyProcess.recipe(version, request.adminPassword());
        String image = imageReference ? version : "valkey/valkey:" + version;
        ContainerRecipe container = ContainerRecipe.builder(image, CONTAINER_PORT, CONTAINER_DATA)
                .command(List.of("valkey-server", CONTAINER_CONFIG))
                .files(List.of(ContainerFile.text(CONTAINER_CONFIG,
                        ValkeyProcess.containerConfig(request.adminPassword()), 0600)))
                .build();
        return new ServerDefinition(DESCRIPTOR.name(), version, ADMIN_USER, request.adminPassword(), process, container,
                ValkeyAdmin::checkReady, START_TIMEOUT);
    }

    /** The app's tenant is the server's {@code default} user: records its password and what serves it. */
    @Override
    public Binding provision(TenantRequest request, ServerAccess server) {
        ValkeyAdmin.ServerInfo info;
        try {
            info = ValkeyAdmin.serverInfo(server);
        } catch (IOException e) {
            Redaction redaction = Redaction.of(server.adminPassword());
            throw new ProvisioningException("Provisioning Valkey for '" + request.tenant() + "' on "
                    + server.endpoint() + " failed: " + redaction.reason(e), redaction.redact(e));
        }
        LOG.info("{} - Provisioned the default user of {} {} on {}", request.tenant(), info.server(), info.version(),
                server.endpoint());
        return Binding.of(
                ValkeyCredentials.PASSWORD, server.adminPassword(),
                ValkeyCredentials.SERVER, info.server(),
                ValkeyCredentials.SERVER_VERSION, info.version());
    }

    @Override
    public Credentials credentials(Binding binding, Endpoint endpoint) {
        return ValkeyCredentials.of(binding, endpoint);
    }

    @Override
    public Optional<AddonVariables> variables() {
        return Optional.of(ValkeyCredentials.VARIABLES);
    }

    @Override
    public Map<String, String> springBootProperties(Credentials credentials) {
        return ValkeyCredentials.springBootProperties(credentials);
    }

    /** Nothing to remove: the server is the app's alone, and the runtime deletes it with its data next. */
    @Override
    public void deprovision(TenantRequest request, Binding binding, ServerAccess server) {
        LOG.debug("{} - Nothing to remove from {}: the whole server goes", request.tenant(), server.endpoint());
    }

    /** Valkey backs up: an RDB snapshot of the whole server, which is the app's. */
    @Override
    public void backup(TenantRequest request, Binding binding, ServerAccess server, ServerTools tools,
            OutputStream out) {
        ValkeyBackups.backup(request, server, out);
    }

    @Override
    public void restore(TenantRequest request, Binding binding, ServerAccess server, ServerTools tools,
            InputStream in) {
        ValkeyBackups.restore(request, server, tools, in);
    }

    /** Whether any database holds a key. */
    @Override
    public boolean hasData(TenantRequest request, Binding binding, ServerAccess server) {
        return ValkeyBackups.keyCounts(request, server).values().stream().anyMatch(keys -> keys > 0);
    }

    /** The number of keys in each database that has any, e.g. {@code db0=42}. */
    @Override
    public Map<String, String> summary(TenantRequest request, Binding binding, ServerAccess server) {
        Map<String, String> summary = new TreeMap<>();
        ValkeyBackups.keyCounts(request, server).forEach((db, keys) -> summary.put(db, Long.toString(keys)));
        return summary;
    }
}
