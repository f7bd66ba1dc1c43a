package dev.addons.bench;

import java.util.HashMap;
import java.util.Map;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Testcontainers' own {@link GenericContainer} on the image addons' container runtime uses,
 * with the official image's environment contract and Testcontainers' default wait (the port
 * listening); {@link GenericContainer#stop()} removes the container and its volumes.
 */
final class ContainerTarget implements Target {
    private final String engine;
    private final String image;

    ContainerTarget(String engine, String image) {
        this.engine = engine;
        this.image = image;
    }

    @Override
    public String name() {
        return "Testcontainers GenericContainer";
    }

    @Override
    public Instance start() {
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image)).withExposedPorts(port());
        switch (engine) {
            case "postgresql" -> container.withEnv("POSTGRES_PASSWORD", "bench");
            case "mysql" -> container.withEnv("MYSQL_ROOT_PASSWORD", "bench").withEnv("MYSQL_DATABASE", "bench");
            case "rabbitmq" -> container.withEnv("RABBITMQ_DEFAULT_USER", "bench")
                    .withEnv("RABBITMQ_DEFAULT_PASS", "bench");
            default -> {
            }
        }
        try {
            container.start();
        } catch (RuntimeException e) {
            container.stop();
            throw e;
        }
        String host = container.getHost();
        String mapped = Integer.toString(container.getMappedPort(port()));
        Map<String, String> vars = new HashMap<>();
        switch (engine) {
            case "postgresql" -> vars.putAll(Map.of("PGHOST", host, "PGPORT", mapped, "PGUSER", "postgres",
                    "PGPASSWORD", "bench", "PGDATABASE", "postgres"));
            case "mysql" -> vars.putAll(Map.of("MYSQL_HOST", host, "MYSQL_PORT", mapped, "MYSQL_USER", "root",
                    "MYSQL_PASSWORD", "bench", "MYSQL_DATABASE", "bench"));
            case "valkey" -> vars.put("VALKEY_URL", "redis://" + host + ":" + mapped);
            case "rabbitmq" -> vars.put("RABBITMQ_URL", "amqp://bench:bench@" + host + ":" + mapped + "/%2F");
            case "memcached" -> vars.putAll(Map.of("MEMCACHE_HOST", host, "MEMCACHE_PORT", mapped));
            default -> throw new IllegalArgumentException(engine);
        }
        return new Instance() {
            @Override
            public Map<String, String> variables() {
                return vars;
            }

            @Override
            public void close() {
                container.stop();
            }
        };
    }

    private int port() {
        return switch (engine) {
            case "postgresql" -> 5432;
            case "mysql" -> 3306;
            case "valkey" -> 6379;
            case "rabbitmq" -> 5672;
            case "memcached" -> 11211;
            default -> throw new IllegalArgumentException(engine);
        };
    }
}
