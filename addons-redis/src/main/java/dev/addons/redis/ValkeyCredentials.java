package dev.addons.redis;

import dev.addons.api.Credentials;
import dev.addons.api.Endpoint;
import dev.addons.api.ServiceBinding;
import dev.addons.api.Variable;
import dev.addons.api.spi.AddonVariables;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.Urls;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a tenant's {@link Binding} into its variables: {@code VALKEY_URL}, {@code VALKEY_HOST},
 * {@code VALKEY_PORT} and {@code VALKEY_PASSWORD}, then the same four as {@code REDIS_*} for
 * clients that expect those names. Both sets point at the same server; the URLs and passwords
 * are sensitive. The same values make a Service Binding of type {@code redis} (what Valkey's
 * clients speak; there is no user name). Stateless and thread-safe.
 */
final class ValkeyCredentials {

    /** Binding key of the {@code default} user's password. */
    static final String PASSWORD = "password";
    /** Binding key of the server that answered when the tenant was made: {@code valkey} or {@code redis}. */
    static final String SERVER = "server";
    /** Binding key of its version. */
    static final String SERVER_VERSION = "serverVersion";

    /** Every variable {@link #of} sets; either URL shows that a platform injected the addon. */
    static final AddonVariables VARIABLES = AddonVariables.of("VALKEY_URL", List.of("VALKEY_URL", "VALKEY_HOST",
            "VALKEY_PORT", "VALKEY_PASSWORD", "REDIS_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD"))
            .withMarkers("REDIS_URL");

    private ValkeyCredentials() {
    }

    /** Spring Boot's {@code spring.data.redis.url}. */
    static Map<String, String> springBootProperties(Credentials credentials) {
        return credentials.get("REDIS_URL").map(url -> Map.of("spring.data.redis.url", url)).orElse(Map.of());
    }

    static Credentials of(Binding binding, Endpoint endpoint) {
        String password = binding.require(PASSWORD);
        String url = "redis://:" + Urls.encode(password) + "@" + Urls.host(endpoint.host()) + ":" + endpoint.port();
        List<Variable> variables = new ArrayList<>();
        for (String prefix : List.of("VALKEY_", "REDIS_")) {
            variables.add(Variable.secret(prefix + "URL", url));
            variables.add(Variable.plain(prefix + "HOST", endpoint.host()));
            variables.add(Variable.plain(prefix + "PORT", Integer.toString(endpoint.port())));
            variables.add(Variable.secret(prefix + "PASSWORD", password));
        }
        return new Credentials(variables, ServiceBinding.of("redis", endpoint)
                .with("password", password).with("uri", url));
    }
}
