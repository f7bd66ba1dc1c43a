package dev.addons.memcache;

import dev.addons.api.Credentials;
import dev.addons.api.Endpoint;
import dev.addons.api.ProvisioningException;
import dev.addons.api.ServiceBinding;
import dev.addons.api.Variable;
import dev.addons.api.spi.AddonVariables;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.Urls;
import java.util.List;

/**
 * A tenant's variables: {@code MEMCACHE_URL} ({@code memcache://user:password@host:port},
 * sensitive), {@code MEMCACHE_HOST}, {@code MEMCACHE_PORT}, {@code MEMCACHE_USERNAME} and
 * {@code MEMCACHE_PASSWORD} (sensitive), in that order: the SASL user a client authenticates as.
 * The same values make a Service Binding of type {@code memcached} with {@code username},
 * {@code password} and {@code uri}. Stateless and thread-safe.
 */
final class MemcachedCredentials {

    /** Binding key of the SASL user's name. */
    static final String USERNAME = "username";
    /** Binding key of its password. */
    static final String PASSWORD = "password";
    /** Binding key of the version the server reported when the tenant was made. */
    static final String SERVER_VERSION = "serverVersion";

    /** Every variable {@link #of} sets. */
    static final AddonVariables VARIABLES = AddonVariables.of("MEMCACHE_URL", List.of("MEMCACHE_URL", "MEMCACHE_HOST",
            "MEMCACHE_PORT", "MEMCACHE_USERNAME", "MEMCACHE_PASSWORD"));

    private MemcachedCredentials() {
    }

    static Credentials of(Binding binding, Endpoint endpoint) {
        if (!binding.values().containsKey(PASSWORD)) {
            // Made by an addons whose memcached had no authentication; its server now requires it.
            throw new ProvisioningException("This memcached addon was made without a SASL user (by an earlier addons)"
                    + " and its server now requires authentication: replace it by a new one, which has a user (a cache keeps"
                    + " nothing durable, so nothing is lost that the app cannot rebuild)");
        }
        String user = binding.require(USERNAME);
        String password = binding.require(PASSWORD);
        String url = "memcache://" + Urls.encode(user) + ":" + Urls.encode(password) + "@"
                + Urls.host(endpoint.host()) + ":" + endpoint.port();
        return Credentials.of(
                Variable.secret("MEMCACHE_URL", url),
                Variable.plain("MEMCACHE_HOST", endpoint.host()),
                Variable.plain("MEMCACHE_PORT", Integer.toString(endpoint.port())),
                Variable.plain("MEMCACHE_USERNAME", user),
                Variable.secret("MEMCACHE_PASSWORD", password))
                .withServiceBinding(ServiceBinding.of("memcached", endpoint)
                        .with("username", user).with("password", password).with("uri", url));
    }
}
