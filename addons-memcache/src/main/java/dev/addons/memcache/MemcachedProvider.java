package dev.addons.memcache;

import dev.addons.api.Credentials;
import dev.addons.api.Endpoint;
import dev.addons.api.ProvisioningException;
import dev.addons.api.Variant;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.AddonVariables;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.ContainerRecipe;
import dev.addons.api.spi.ProcessRecipe;
import dev.addons.api.spi.ProviderDescriptor;
import dev.addons.api.spi.Redaction;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.api.spi.ServerRequest;
import dev.addons.api.spi.TenantRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code memcached} addon (alias {@code memcache}): a dedicated memcached 1.5 or 1.6 server
 * per app ({@code small}, the only variant), which clients must authenticate to, with the
 * variables {@code MEMCACHE_URL} ({@code memcache://user:password@host:port}), {@code MEMCACHE_HOST},
 * {@code MEMCACHE_PORT}, {@code MEMCACHE_USERNAME} and {@code MEMCACHE_PASSWORD}.
 *
 * <p>Authentication is SASL {@code PLAIN} over memcached's binary protocol ({@code -S}; the text
 * protocol is then off, as memcached has SASL on the binary protocol only). The server has one
 * user, {@value #ADMIN_USER}, whose password is the server's generated admin password, and the
 * app's tenant is that user: nobody else on this host can read or write the cache, whereas without
 * it any local program could. memcached's users do not partition keys: a second user on one server
 * would see the same items, which is one more reason each app has a server of its own.
 *
 * <p>On the process runtime a server runs from a {@code memcached} of the requested version on
 * this host ({@link MemcachedBinaries}); a version the host lacks is refused before anything
 * starts. The container runtime runs the official {@code memcached:<version>} image; a version
 * containing {@code ':'} is a full image reference, which must honour that image's contract
 * ({@link MemcachedContainer}). {@link MemcachedProcess} tells how the server runs. 1.4, end of
 * life, is refused. It has no {@link dev.addons.api.spi.BackupCapability}: a cache keeps nothing
 * durable, and its apps rebuild its content from their own data, so addons refuses its backups.
 *
 * <p>Stateless and thread-safe; the no-arg constructor does nothing.
 */
public final class MemcachedProvider implements AddonProvider {
    private static final Logger LOG = LoggerFactory.getLogger(MemcachedProvider.class);

    static final ProviderDescriptor DESCRIPTOR = ProviderDescriptor.builder("memcached")
            .aliases("memcache")
            .description("Managed Memcached in-memory cache")
            .variant(Variant.small("Dedicated server"))
            .versions("1.5", "1.6")
            .defaultVersion("1.6")
            .retired("1.4", "it is end-of-life (its last release, 1.4.39, dates from 2017) and no longer offered")
            .build();
    /** The server's one SASL user, which its app authenticates as. */
    static final String ADMIN_USER = "memcached";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    /** Creates the provider; does no I/O. */
    public MemcachedProvider() {
    }

    @Override
    public ProviderDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ServerDefinition server(ServerRequest request) {
        String version = request.version();
        boolean imageReference = version.indexOf(':') >= 0;
        String password = request.adminPassword();
        ProcessRecipe process = imageReference ? null : MemcachedProcess.recipe(version, ADMIN_USER, password);
        ContainerRecipe container = MemcachedContainer.recipe(imageReference ? version : "memcached:" + version,
                ADMIN_USER, password);
        return new ServerDefinition(DESCRIPTOR.name(), version, ADMIN_USER, password, process, container,
                MemcachedAdmin::checkReady, START_TIMEOUT);
    }

    /** The app's tenant is the server's SASL user: records its name, its password and which version serves it. */
    @Override
    public Binding provision(TenantRequest request, ServerAccess server) {
        String version;
        try {
            version = MemcachedAdmin.version(server);
        } catch (IOException e) {
            Redaction redaction = Redaction.of(server.adminPassword());
            throw new ProvisioningException("Provisioning Memcached for '" + request.tenant() + "' on "
                    + server.endpoint() + " failed: " + redaction.reason(e), redaction.redact(e));
        }
        LOG.info("{} - Provisioned the user {} of memcached {} on {}", request.tenant(), server.adminUser(), version,
                server.endpoint());
        return Binding.of(
                MemcachedCredentials.USERNAME, server.adminUser(),
                MemcachedCredentials.PASSWORD, server.adminPassword(),
                MemcachedCredentials.SERVER_VERSION, version);
    }

    @Override
    public Credentials credentials(Binding binding, Endpoint endpoint) {
        return MemcachedCredentials.of(binding, endpoint);
    }

    @Override
    public Optional<AddonVariables> variables() {
        return Optional.of(MemcachedCredentials.VARIABLES);
    }

    /** Nothing to remove: the server is the app's alone, and the runtime stops it next. */
    @Override
    public void deprovision(TenantRequest request, Binding binding, ServerAccess server) {
        LOG.debug("{} - Nothing to remove from {}: the whole server goes", request.tenant(), server.endpoint());
    }
}
