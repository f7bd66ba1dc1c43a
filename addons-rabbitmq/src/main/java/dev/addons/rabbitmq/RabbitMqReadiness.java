package dev.addons.rabbitmq;

import dev.addons.api.spi.ServerAccess;
import java.io.IOException;
import java.time.Duration;

/**
 * When a node is ready: it answers an AMQP 0-9-1 handshake with {@code connection.start} on its
 * main port, and its management API, asked as the admin, finds every virtual host running. The
 * broker opens its AMQP listener after its plugins, so the two agree once the first passes; the
 * second also proves the admin's credentials. Each check gives up within seconds, as the runtime
 * polls. Stateless and thread-safe.
 */
final class RabbitMqReadiness {

    private static final int AMQP_TIMEOUT_MILLIS = 2_000;
    private static final Duration API_TIMEOUT = Duration.ofSeconds(2);

    private RabbitMqReadiness() {
    }

    static void check(ServerAccess server) throws IOException, InterruptedException {
        AmqpHandshake.expectConnectionStart(server.endpoint(), AMQP_TIMEOUT_MILLIS);
        ManagementApi.Response health = ManagementApi.of(server, API_TIMEOUT).get("/api/health/checks/virtual-hosts");
        if (!health.isSuccess()) {
            throw new IOException("the management API's virtual host check answered HTTP " + health.status() + ": "
                    + health.body().strip());
        }
    }
}
