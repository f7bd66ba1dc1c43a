package dev.addons.spring.boot;

import dev.addons.spring.boot.AddonConnections.AddonProperties;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;
import org.springframework.boot.autoconfigure.amqp.RabbitConnectionDetails;
import org.springframework.boot.autoconfigure.data.redis.RedisConnectionDetails;
import org.springframework.boot.autoconfigure.jdbc.JdbcConnectionDetails;

/**
 * Spring Boot's {@code ConnectionDetails} made from the properties addons' providers map their
 * variables to ({@link AddonConnections}): JDBC from {@code spring.datasource.*}, Redis from
 * {@code spring.data.redis.url}, RabbitMQ from {@code spring.rabbitmq.*}. Each is immutable and
 * its {@code toString()} names the addon, never a password. R2DBC's are in
 * {@link AddonR2dbcConnectionDetails}, apart, as R2DBC may be missing from the class path.
 *
 * @since 0.1.0
 */
public final class AddonConnectionDetails {
    static final String DATASOURCE_URL = "spring.datasource.url";
    static final String REDIS_URL = "spring.data.redis.url";
    static final String RABBITMQ_HOST = "spring.rabbitmq.host";

    private AddonConnectionDetails() {
    }

    /** JDBC's, from the first addon that maps {@code spring.datasource.url}; empty when none does. */
    public static Optional<JdbcConnectionDetails> jdbc(AddonConnections connections) {
        return connections.providing(DATASOURCE_URL).map(Jdbc::new);
    }

    /** Redis's, from the first addon that maps {@code spring.data.redis.url}; empty when none does. */
    public static Optional<RedisConnectionDetails> redis(AddonConnections connections) {
        return connections.providing(REDIS_URL).map(Redis::of);
    }

    /** RabbitMQ's, from the first addon that maps {@code spring.rabbitmq.host}; empty when none does. */
    public static Optional<RabbitConnectionDetails> rabbit(AddonConnections connections) {
        return connections.providing(RABBITMQ_HOST).map(Rabbit::new);
    }

    static int port(AddonProperties addon, String property) {
        String value = addon.require(property);
        try {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalStateException("Addon " + addon.addon() + " maps " + property + " to '" + value
                + "', which is not a port: use 1 to 65535");
    }

    private static final class Jdbc implements JdbcConnectionDetails {
        private final AddonProperties addon;

        Jdbc(AddonProperties addon) {
            this.addon = addon;
        }

        @Override
        public String getJdbcUrl() {
            return addon.require(DATASOURCE_URL);
        }

        @Override
        public String getUsername() {
            return addon.get("spring.datasource.username");
        }

        @Override
        public String getPassword() {
            return addon.get("spring.datasource.password");
        }

        @Override
        public String toString() {
            return "AddonJdbcConnectionDetails[addon=" + addon.addon() + ", username=" + getUsername()
                    + ", password=<redacted>]";
        }
    }

    /** From a {@code redis://[[user]:password@]host[:port][/database]} URL; {@code rediss} is refused. */
    private record Redis(String addon, String host, int port, int database, String username, String password)
            implements RedisConnectionDetails {
        static Redis of(AddonProperties addon) {
            URI uri;
            try {
                uri = new URI(addon.require(REDIS_URL));
            } catch (URISyntaxException e) {
                // The URL holds the password: only its property is named.
                throw new IllegalStateException("Addon " + addon.addon() + " maps " + REDIS_URL
                        + " to a malformed URL (value not shown: it holds a password)");
            }
            if (!"redis".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalStateException("Addon " + addon.addon() + " maps " + REDIS_URL + " to a URL of scheme '"
                        + uri.getScheme() + "'" + (uri.getHost() == null ? " without a host" : "")
                        + ": only redis://host:port URLs are supported");
            }
            String username = null;
            String password = null;
            String userInfo = uri.getUserInfo();
            if (userInfo != null) {
                int colon = userInfo.indexOf(':');
                username = colon > 0 ? userInfo.substring(0, colon) : null;
                password = colon >= 0 ? userInfo.substring(colon + 1) : userInfo;
            }
            String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
            int database = path.isEmpty() ? 0 : Integer.parseInt(path);
            return new Redis(addon.addon(), uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort(), database,
                    username, password);
        }

        @Override
        public String getUsername() {
            return username;
        }

        @Override
        public String getPassword() {
            return password;
        }

        @Override
        public Standalone getStandalone() {
            return Standalone.of(host, port, database);
        }

        @Override
        public String toString() {
            return "AddonRedisConnectionDetails[addon=" + addon + ", host=" + host + ", port=" + port
                    + ", password=<redacted>]";
        }
    }

    private static final class Rabbit implements RabbitConnectionDetails {
        private final AddonProperties addon;

        Rabbit(AddonProperties addon) {
            this.addon = addon;
        }

        @Override
        public String getUsername() {
            return addon.get("spring.rabbitmq.username");
        }

        @Override
        public String getPassword() {
            return addon.get("spring.rabbitmq.password");
        }

        @Override
        public String getVirtualHost() {
            return addon.get("spring.rabbitmq.virtual-host");
        }

        @Override
        public List<Address> getAddresses() {
            String port = addon.get("spring.rabbitmq.port");
            return List.of(new Address(addon.require(RABBITMQ_HOST),
                    port == null ? 5672 : port(addon, "spring.rabbitmq.port")));
        }

        @Override
        public String toString() {
            return "AddonRabbitConnectionDetails[addon=" + addon.addon() + ", username=" + getUsername()
                    + ", virtualHost=" + getVirtualHost() + ", password=<redacted>]";
        }
    }
}
