package dev.addons.rabbitmq;

import dev.addons.api.Credentials;
import dev.addons.api.Endpoint;
import dev.addons.api.Variable;
import dev.addons.api.spi.Binding;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Turns a tenant's {@link Binding} into the variables AMQP clients read: {@code RABBITMQ_URL}
 * ({@code amqp://user:password@host:port/vhost}, each part percent-encoded, so the vhost {@code /}
 * is {@code %2F}), {@code RABBITMQ_HOST}, {@code RABBITMQ_PORT}, {@code RABBITMQ_USER},
 * {@code RABBITMQ_PASSWORD} and {@code RABBITMQ_VHOST}, in that order. Stateless and thread-safe.
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

    private RabbitMqCredentials() {
    }

    static Credentials of(Binding binding, Endpoint endpoint) {
        String user = binding.require(USER);
        String password = binding.require(PASSWORD);
        String vhost = binding.require(VHOST);
        String url = "amqp://" + encode(user) + ":" + encode(password) + "@" + urlHost(endpoint.host()) + ":"
                + endpoint.port() + "/" + encode(vhost);
        return Credentials.of(
                Variable.secret("RABBITMQ_URL", url),
                Variable.plain("RABBITMQ_HOST", endpoint.host()),
                Variable.plain("RABBITMQ_PORT", Integer.toString(endpoint.port())),
                Variable.plain("RABBITMQ_USER", user),
                Variable.secret("RABBITMQ_PASSWORD", password),
                Variable.plain("RABBITMQ_VHOST", vhost));
    }

    /** {@code host} as it stands in a URL: an IPv6 literal in brackets. */
    static String urlHost(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /**
     * Percent-encodes a URL's user, password or path segment as UTF-8: {@code /} becomes
     * {@code %2F}, and a space {@code %20}, not the {@code +} of form encoding.
     */
    static String encode(String component) {
        return URLEncoder.encode(component, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
