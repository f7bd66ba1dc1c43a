package dev.addons.rabbitmq;

import com.rabbitmq.client.BuiltinExchangeType;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * RabbitMQ 3 for the shared scenarios: Debian's 3.10 on the process runtime, the local image
 * honouring the official rabbitmq:3-management image's contract on the container runtime, and an
 * app that keeps each value as the one persistent message of a durable queue named by its key,
 * connected with the official AMQP client from its {@code RABBITMQ_URL} alone.
 *
 * <p>What a backup keeps are definitions, not messages, so {@link #writeKept} keeps a value in
 * them: a durable queue named {@code kept.<key>=<value>}, bound to the durable direct exchange
 * {@code kept} by the key. Its messages expire at once (TTL 0) into the exchange
 * {@code kept.dead}, and a dead-lettered message names the queue it came from in its
 * {@code x-death} header: that is how {@link #readKept} finds the value with AMQP alone, which
 * cannot list queues.
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

    /**
     * Puts the queue's declaration in a file, where a killed node finds it again. A confirmed
     * persistent message is on disk, but RabbitMQ 3 keeps definitions in Mnesia, whose log
     * (Erlang's disk_log) holds writes in a cache it writes out after 2 s or once it passes
     * 64 KiB: a node killed in between came back without the queue (seen under load). Declaring a
     * durable exchange with a 65 KiB argument passes that size, so the cache, the queue's record
     * in it, goes to the file at once. Its deletion, cached in turn, may be lost by a kill; the
     * exchange left then is harmless.
     */
    @Override
    public void checkpoint(Map<String, String> variables) throws Exception {
        try (Connection connection = Amqp.connect(variables.get("RABBITMQ_URL"));
                Channel channel = connection.createChannel()) {
            String exchange = "addons.checkpoint";
            channel.exchangeDeclare(exchange, BuiltinExchangeType.FANOUT, true, false,
                    Map.of("padding", "x".repeat(65 * 1024)));
            channel.exchangeDelete(exchange);
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
                if (notFound(e)) {
                    return Optional.empty(); // No such queue: the broker closed the channel.
                }
                throw e; // e.g. a durable queue whose process is not running: not an absent value
            }
            GetResponse message = channel.basicGet(key, false);
            channel.close();
            return message == null ? Optional.empty()
                    : Optional.of(new String(message.getBody(), StandardCharsets.UTF_8));
        }
    }

    /** Whether the broker closed the channel with 404 NOT_FOUND, and only that. */
    private static boolean notFound(IOException e) {
        return e.getCause() instanceof com.rabbitmq.client.ShutdownSignalException closed
                && closed.getReason() instanceof com.rabbitmq.client.AMQP.Channel.Close close
                && close.getReplyCode() == com.rabbitmq.client.AMQP.NOT_FOUND;
    }

    private static final String KEPT = "kept";
    private static final String DEAD = "kept.dead";

    /** Replaces the key's queue {@code kept.<key>=<old value>}, if any, with {@code kept.<key>=<value>}. */
    @Override
    public void writeKept(Map<String, String> variables, String key, String value) throws Exception {
        Optional<String> old = readKept(variables, key);
        try (Connection connection = Amqp.connect(variables.get("RABBITMQ_URL"));
                Channel channel = connection.createChannel()) {
            channel.exchangeDeclare(KEPT, BuiltinExchangeType.DIRECT, true);
            channel.exchangeDeclare(DEAD, BuiltinExchangeType.DIRECT, true);
            if (old.isPresent()) {
                channel.queueDelete(KEPT + "." + key + "=" + old.get());
            }
            String queue = KEPT + "." + key + "=" + value;
            channel.queueDeclare(queue, true, false, false, Map.of("x-message-ttl", 0, "x-dead-letter-exchange", DEAD));
            channel.queueBind(queue, KEPT, key);
        }
    }

    /** Sends a message by the key and reads which queue dead-lettered it; empty when nothing is bound. */
    @Override
    public Optional<String> readKept(Map<String, String> variables, String key) throws Exception {
        try (Connection connection = Amqp.connect(variables.get("RABBITMQ_URL"))) {
            Channel probe = connection.createChannel();
            try {
                probe.exchangeDeclarePassive(KEPT);
                probe.exchangeDeclarePassive(DEAD);
                probe.close();
            } catch (IOException e) {
                if (notFound(e)) {
                    return Optional.empty(); // Nothing kept yet: the broker closed the channel.
                }
                throw e;
            }
            try (Channel channel = connection.createChannel()) {
                String replies = channel.queueDeclare().getQueue();
                channel.queueBind(replies, DEAD, key);
                AtomicBoolean unroutable = new AtomicBoolean();
                channel.addReturnListener(returned -> unroutable.set(true));
                channel.confirmSelect();
                channel.basicPublish(KEPT, key, true, null, new byte[0]);
                channel.waitForConfirmsOrDie(5_000);
                if (unroutable.get()) {
                    return Optional.empty();
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (System.nanoTime() < deadline) {
                    GetResponse message = channel.basicGet(replies, true);
                    if (message != null) {
                        return Optional.of(valueOf(message, key));
                    }
                    Thread.sleep(5);
                }
                throw new IOException("no message came back through " + DEAD + " for key " + key);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static String valueOf(GetResponse message, String key) throws IOException {
        List<Map<String, Object>> deaths = (List<Map<String, Object>>) message.getProps().getHeaders().get("x-death");
        String queue = deaths.get(0).get("queue").toString();
        String prefix = KEPT + "." + key + "=";
        if (!queue.startsWith(prefix)) {
            throw new IOException("dead-lettered by " + queue + ", not by a queue of key " + key);
        }
        return queue.substring(prefix.length());
    }
}
