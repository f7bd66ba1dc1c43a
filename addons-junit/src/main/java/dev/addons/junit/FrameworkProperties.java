package dev.addons.junit;

import dev.addons.api.Credentials;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The system properties frameworks read their connections from, set from an addon set's
 * variables while its scope is active. Spring Boot's names: {@code spring.datasource.*} from
 * PostgreSQL (else MySQL), {@code spring.data.redis.url} from Valkey, {@code spring.rabbitmq.*}
 * from RabbitMQ. Restoring puts back the values the properties had before.
 */
final class FrameworkProperties {
    private final Map<String, String> former;

    private FrameworkProperties(Map<String, String> former) {
        this.former = former;
    }

    /** The properties {@code credentials} give, by name. */
    static Map<String, String> of(Credentials credentials) {
        Map<String, String> out = new LinkedHashMap<>();
        Optional<String> pgHost = credentials.get("PGHOST");
        Optional<String> mysqlHost = credentials.get("MYSQL_HOST");
        if (pgHost.isPresent()) {
            out.put("spring.datasource.url", "jdbc:postgresql://" + pgHost.get() + ":" + value(credentials, "PGPORT")
                    + "/" + value(credentials, "PGDATABASE"));
            out.put("spring.datasource.username", value(credentials, "PGUSER"));
            out.put("spring.datasource.password", value(credentials, "PGPASSWORD"));
        } else if (mysqlHost.isPresent()) {
            out.put("spring.datasource.url", "jdbc:mysql://" + mysqlHost.get() + ":"
                    + value(credentials, "MYSQL_PORT") + "/" + value(credentials, "MYSQL_DATABASE"));
            out.put("spring.datasource.username", value(credentials, "MYSQL_USER"));
            out.put("spring.datasource.password", value(credentials, "MYSQL_PASSWORD"));
        }
        credentials.get("REDIS_URL").ifPresent(url -> out.put("spring.data.redis.url", url));
        if (credentials.get("RABBITMQ_HOST").isPresent()) {
            out.put("spring.rabbitmq.host", value(credentials, "RABBITMQ_HOST"));
            out.put("spring.rabbitmq.port", value(credentials, "RABBITMQ_PORT"));
            out.put("spring.rabbitmq.username", value(credentials, "RABBITMQ_USER"));
            out.put("spring.rabbitmq.password", value(credentials, "RABBITMQ_PASSWORD"));
            out.put("spring.rabbitmq.virtual-host", value(credentials, "RABBITMQ_VHOST"));
        }
        return out;
    }

    /** Sets the properties {@code credentials} give, remembering their former values. */
    static FrameworkProperties set(Credentials credentials) {
        Map<String, String> former = new LinkedHashMap<>();
        of(credentials).forEach((name, value) -> former.put(name, System.setProperty(name, value)));
        return new FrameworkProperties(former);
    }

    /** Puts back the former values, clearing the properties that had none. */
    void restore() {
        former.forEach((name, value) -> {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        });
    }

    private static String value(Credentials credentials, String name) {
        return credentials.get(name).orElse("");
    }
}
