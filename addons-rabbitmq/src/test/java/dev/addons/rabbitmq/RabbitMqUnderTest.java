package dev.addons.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import dev.addons.api.Endpoint;
import dev.addons.testkit.EngineUnderTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * RabbitMQ 3 for the shared scenarios: Debian's 3.10 on the process runtime, the local image
 * honouring the official rabbitmq:3-management image's contract on the container runtime, and an
 * app that keeps each value as the one persistent message of a durable queue named by its key,
 * connected with the official AMQP client from its {@code RABBITMQ_URL} alone.
 */
final class RabbitMqUnderTest implements EngineUnderTest {

    @Override
    public String addon() {
        return "rabbitmq";
    }

    @Override
    public String processVersion() {
        return "3";
    }

    @Override
    public String testImage() {
        return "localhost/addons-test/rabbitmq:3.10-management";
    }

    @Override
    public List<String> variables() {
        return List.of("RABBITMQ_URL", "RABBITMQ_HOST", "RABBITMQ_PORT", "RABBITMQ_USER", "RABBITMQ_PASSWORD",
                "RABBITMQ_VHOST");
    }

    @Override
    public Endpoint endpoint(Map<String, String> variables) {
        return new Endpoint(variables.get("RABBITMQ_HOST"), Integer.parseInt(variables.get("RABBITMQ_PORT")));
    }

    @Override
    public void write(Map<String, String> variables, String key, String value) throws Exception {
        try (Connection connection = Amqp.connect(variables.get("RABBITMQ_URL"));
                Channel channel = connection.createChannel()) {
            channel.queueDeclare(key, true, false, false, null);
            channel.queuePurge(key);
            channel.confirmSelect();
            channel.basicPublish("", key, MessageProperties.PERSISTENT_TEXT_PLAIN, value.getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(5_000);
        }
    }

    /** The queue's message, left in it: unacknowledged, it goes back when the channel closes. */
    @Override
    public Optional<String> read(Map<String, String> variables, String key) throws Exception {
        try (Connection connection = Amqp.connect(variables.get("RABBITMQ_URL"))) {
            Channel channel = connection.createChannel();
            try {
                channel.queueDeclarePassive(key);
            } catch (IOException e) {
                return Optional.empty(); // No such queue: the broker closed the channel.
            }
            GetResponse message = channel.basicGet(key, false);
            channel.close();
            return message == null ? Optional.empty()
                    : Optional.of(new String(message.getBody(), StandardCharsets.UTF_8));
        }
    }
}
