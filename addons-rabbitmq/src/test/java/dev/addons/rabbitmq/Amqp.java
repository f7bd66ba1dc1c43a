package dev.addons.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** Test-only AMQP work through the official client, the way an app does it: from its URL alone. */
final class Amqp {

    private Amqp() {
    }

    /** A connection made from {@code RABBITMQ_URL} alone (no automatic recovery, so failures show at once). */
    static Connection connect(String url) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(url);
        factory.setAutomaticRecoveryEnabled(false);
        factory.setConnectionTimeout(5_000);
        // A sleeping node wakes by booting (6-12 s here): the handshake waits longer than its default 10 s.
        factory.setHandshakeTimeout(30_000);
        return factory.newConnection("addons-test");
    }

    /**
     * Declares the durable queue {@code queue}, publishes {@code message} to it with a publisher
     * confirm, consumes it and returns what arrived.
     */
    static String roundTrip(Connection connection, String queue, String message) throws Exception {
        try (Channel channel = connection.createChannel()) {
            channel.queueDeclare(queue, true, false, false, null);
            channel.confirmSelect();
            channel.basicPublish("", queue, null, message.getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(5_000);
            BlockingQueue<String> received = new ArrayBlockingQueue<>(1);
            String tag = channel.basicConsume(queue, true,
                    (consumerTag, delivery) -> received.add(new String(delivery.getBody(), StandardCharsets.UTF_8)),
                    consumerTag -> { });
            String body = received.poll(10, TimeUnit.SECONDS);
            channel.basicCancel(tag);
            return body;
        }
    }
}
