package dev.addons.rabbitmq;

import dev.addons.api.Credentials;
import dev.addons.api.Endpoint;
import dev.addons.api.ServiceBinding;
import dev.addons.api.Variable;
import dev.addons.api.spi.AddonVariables;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.Urls;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a tenant's {@link Binding} into the variables AMQP clients read: {@code RABBITMQ_URL}
 * ({@code amqp://user:password@host:port/vhost}, each part percent-encoded, so the vhost {@code /}
 * is {@code %2F}), {@code RABBITMQ_HOST}, {@code RABBITMQ_PORT}, {@code RABBITMQ_USER},
 * {@code RABBITMQ_PASSWORD} and {@code RABBITMQ_VHOST}, in that order. The same values make a
 * Service Binding of type {@code rabbitmq}, the vhost as {@code virtual-host} (Spring Cloud
 * Bindings' name for it). Stateless and thread-safe.
 */
final class RabbitMqCredentials {

    /** Binding key of the tenant's user. */
    static final String USER = "user";
    /** Binding key of the user's password. */
    static final String PASSWORD = "password";
    /** Binding key of the tenant's virtual host. */
    static final String VHOST = "vhost";
    /** Binding key of the node's RabbitMQ version when the tenant was made. */
    static final String SERVER_VERSION = "serverVersion";

    /** Every variable {@link #of} sets. */
    static final AddonVariables VARIABLES = AddonVariables.of("RABBITMQ_URL", List.of("RABBITMQ_URL", "RABBITMQ_HOST",
            "RABBITMQ_PORT", "RABBITMQ_USER", "RABBITMQ_PASSWORD", "RABBITMQ_VHOST"));

    private RabbitMqCredentials() {
    }

    /** Spring Boot's {@code spring.rabbitmq.*}. */
    static Map<String, String> springBootProperties(Credentials credentials) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("spring.rabbitmq.host", value(credentials, "RABBITMQ_HOST"));
        out.put("spring.rabbitmq.port", value(credentials, "RABBITMQ_PORT"));
        out.put("spring.rabbitmq.username", value(credentials, "RABBITMQ_USER"));
        out.put("spring.rabbitmq.password", value(credentials, "RABBITMQ_PASSWORD"));
        out.put("spring.rabbitmq.virtual-host", value(credentials, "RABBITMQ_VHOST"));
        return out;
    }

    private static String value(Credentials credentials, String name) {
        return credentials.get(name).orElse("");
    }

    static Credentials of(Binding binding, Endpoint endpoint) {
        String user = binding.require(USER);
        String password = binding.require(PASSWORD);
        String vhost = binding.require(VHOST);
        String url = "amqp://" + Urls.encode(user) + ":" + Urls.encode(password) + "@" + Urls.host(endpoint.host())
                + ":" + endpoint.port() + "/" + Urls.encode(vhost);
        return Credentials.of(
                Variable.secret("RABBITMQ_URL", url),
                Variable.plain("RABBITMQ_HOST", endpoint.host()),
                Variable.plain("RABBITMQ_PORT", Integer.toString(endpoint.port())),
                Variable.plain("RABBITMQ_USER", user),
                Variable.secret("RABBITMQ_PASSWORD", password),
                Variable.plain("RABBITMQ_VHOST", vhost))
                .withServiceBinding(ServiceBinding.of("rabbitmq", endpoint).with("username", user)
                        .with("password", password).with("virtual-host", vhost).with("uri", url));
    }
}
