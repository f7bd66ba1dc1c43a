package dev.addons.memcache;

import dev.addons.api.Credentials;
import dev.addons.api.Endpoint;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.ProvisioningException;
import dev.addons.api.UnsupportedOperationAddonException;
import dev.addons.api.Variant;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.ContainerRecipe;
import dev.addons.api.spi.ProcessRecipe;
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
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code memcached} addon (alias {@code memcache}): a dedicated memcached 1.5 or 1.6 server
 * per app ({@code small}, the only variant), with the variables {@code MEMCACHE_URL}
 * ({@code memcache://host:port}), {@code MEMCACHE_HOST} and {@code MEMCACHE_PORT}.
 *
 * <p>There is no authentication. The server listens on 127.0.0.1 only, so only programs on this
 * host reach it, but any of them can, whichever app's it is: keep nothing secret in it. SASL (binary
 * protocol only, and a build option) and the experimental ASCII auth file are out of scope; the
 * ServerDefinition's admin password exists only because every definition has one, and is unused.
 *
 * <p>On the process runtime a server runs from a {@code memcached} of the requested version on
 * this host ({@link MemcachedBinaries}); a version the host lacks is refused before anything
 * starts. The container runtime runs the official {@code memcached:<version>} image; a version
 * containing {@code ':'} is a full image reference. {@link MemcachedProcess} tells how the server
 * runs. {@code backup} and {@code restore} are refused ({@link #BACKUP_UNSUPPORTED}): a cache keeps
 * nothing durable, and its apps rebuild its content from their own data.
 *
 * <p>Stateless and thread-safe; the no-arg constructor does nothing.
 */
public final class MemcachedProvider implements AddonProvider {
    /** Why there are no backups, as {@link #backupUnsupportedReason()} and the refusals say. */
    static final String BACKUP_UNSUPPORTED = "not supported: memcached is a cache; it keeps nothing durable to back up";
    private static final Logger LOG = LoggerFactory.getLogger(MemcachedProvider.class);

    private static final List<String> VERSIONS = List.of("1.5", "1.6");
    /** Versions once offered and dropped, with why: asked for, they are refused saying so. */
    private static final Map<String, String> DROPPED = Map.of("1.4",
            "it is end-of-life (its last release, 1.4.39, dates from 2017) and no longer offered");
    /** memcached has no users; every ServerDefinition names one all the same. */
    private static final String ADMIN_USER = "memcached";
    private static final int CONTAINER_PORT = 11211;
    /** memcached writes nothing to disk; a container runtime's data mount stays empty. */
    private static final String CONTAINER_DATA = "/data";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    /** Creates the provider; does no I/O. */
    public MemcachedProvider() {
    }

    @Override
    public String name() {
        return "memcached";
    }

    @Override
    public Set<String> aliases() {
        return Set.of("memcache");
    }

    @Override
    public String description() {
        return "Managed Memcached in-memory cache";
    }

    @Override
    public List<String> versions() {
        return VERSIONS;
    }

    @Override
    public String defaultVersion() {
        return "1.6";
    }

    @Override
    public List<Variant> variants() {
        return List.of(Variant.small("Dedicated server"));
    }

    @Override
    public ServerDefinition server(ServerRequest request) {
        String version = request.version();
        boolean imageReference = version.indexOf(':') >= 0;
        if (!imageReference && !VERSIONS.contains(version)) {
            String dropped = DROPPED.containsKey(version) ? ": " + DROPPED.get(version) : "";
            throw new InvalidSpecException("Unsupported Memcached version '" + version + "'" + dropped
                    + ". Supported: " + VERSIONS + ", or a full image reference such as"
                    + " registry.example.com/custom-memcached:1.6");
        }
        ProcessRecipe process = imageReference ? null : MemcachedProcess.recipe(version);
        ContainerRecipe container = new ContainerRecipe(imageReference ? version : "memcached:" + version, Map.of(),
                List.of("memcached", "-U", "0", "-m", Integer.toString(MemcachedProcess.MEMORY_MB)),
                CONTAINER_PORT, CONTAINER_DATA);
        return new ServerDefinition(name(), version, ADMIN_USER, request.adminPassword(), process, container,
                server -> MemcachedAdmin.checkReady(server.endpoint()), START_TIMEOUT);
    }

    /** The app's tenant is the whole server: records which version serves it. */
    @Override
    public Binding provision(TenantRequest request, ServerAccess server) {
        String version;
        try {
            version = MemcachedAdmin.version(server.endpoint());
        } catch (IOException e) {
            throw new ProvisioningException("Provisioning Memcached for '" + request.tenant() + "' on "
                    + server.endpoint() + " failed: " + e.getMessage(), e);
        }
        LOG.info("{} - Provisioned memcached {} on {}", request.tenant(), version, server.endpoint());
        return Binding.of(MemcachedCredentials.SERVER_VERSION, version);
    }

    @Override
    public Credentials credentials(Binding binding, Endpoint endpoint) {
        return MemcachedCredentials.of(endpoint);
    }

    /** Nothing to remove: the server is the app's alone, and the runtime stops it next. */
    @Override
    public void deprovision(TenantRequest request, Binding binding, ServerAccess server) {
        LOG.debug("{} - Nothing to remove from {}: the whole server goes", request.tenant(), server.endpoint());
    }

    @Override
    public Optional<String> backupUnsupportedReason() {
        return Optional.of(BACKUP_UNSUPPORTED);
    }

    /** Refused: a cache keeps nothing durable. */
    @Override
    public void backup(TenantRequest request, Binding binding, ServerAccess server, ServerTools tools,
            OutputStream out) {
        throw new UnsupportedOperationAddonException(BACKUP_UNSUPPORTED);
    }

    /** Refused: a cache keeps nothing durable. */
    @Override
    public void restore(TenantRequest request, Binding binding, ServerAccess server, ServerTools tools,
            InputStream in) {
        throw new UnsupportedOperationAddonException(BACKUP_UNSUPPORTED);
    }
}
