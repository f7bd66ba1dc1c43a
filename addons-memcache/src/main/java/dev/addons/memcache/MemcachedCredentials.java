package dev.addons.memcache;

import dev.addons.api.Credentials;
import dev.addons.api.Endpoint;
import dev.addons.api.ServiceBinding;
import dev.addons.api.Variable;
import dev.addons.api.spi.Urls;

/**
 * A server's variables: {@code MEMCACHE_URL} ({@code memcache://host:port}), {@code MEMCACHE_HOST}
 * and {@code MEMCACHE_PORT}, in that order. None is sensitive: memcached has no password here.
 * The same values make a Service Binding of type {@code memcached} with no user name or password.
 * Stateless and thread-safe.
 */
final class MemcachedCredentials {

    /** Binding key of the version the server reported when the tenant was made. */
    static final String SERVER_VERSION = "serverVersion";

    private MemcachedCredentials() {
    }

    static Credentials of(Endpoint endpoint) {
        String url = "memcache://" + Urls.host(endpoint.host()) + ":" + endpoint.port();
        return Credentials.of(
                Variable.plain("MEMCACHE_URL", url),
                Variable.plain("MEMCACHE_HOST", endpoint.host()),
                Variable.plain("MEMCACHE_PORT", Integer.toString(endpoint.port())))
                .withServiceBinding(ServiceBinding.of("memcached", endpoint).with("uri", url));
    }
}
