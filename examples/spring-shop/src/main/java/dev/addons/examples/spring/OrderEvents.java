package dev.addons.examples.spring;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

/** Sends an event per order to RabbitMQ and receives it back with a listener. Thread-safe. */
@Component
public class OrderEvents {
    private final RabbitTemplate rabbit;
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

    public OrderEvents(RabbitTemplate rabbit) {
        this.rabbit = rabbit;
    }

    /** Publishes {@code event} to the orders queue. */
    public void publish(String event) {
        rabbit.convertAndSend(ShopApplication.ORDERS, event);
    }

    @RabbitListener(queues = ShopApplication.ORDERS)
    void onEvent(String event) {
        received.add(event);
    }

    /** The next event the listener received, waiting up to {@code timeout}; empty when none came. */
    public Optional<String> nextReceived(Duration timeout) throws InterruptedException {
        return Optional.ofNullable(received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS));
    }
}
