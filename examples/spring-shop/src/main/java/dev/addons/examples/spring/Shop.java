package dev.addons.examples.spring;

import java.time.Duration;
import org.springframework.boot.CommandLineRunner;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * The command line: {@code order ITEM} saves an order, counts it in Valkey, publishes its event and
 * waits (at most 30 s) for the listener to get it, printing one line per step. Without arguments
 * it does nothing (as in tests).
 */
@Component
public class Shop implements CommandLineRunner {
    static final String PLACED = "shop:orders-placed";

    private final ShopOrders orders;
    private final StringRedisTemplate redis;
    private final OrderEvents events;

    public Shop(ShopOrders orders, StringRedisTemplate redis, OrderEvents events) {
        this.orders = orders;
        this.redis = redis;
        this.events = events;
    }

    @Override
    public void run(String... args) throws Exception {
        if (args.length == 0) {
            return;
        }
        if (args.length != 2 || !args[0].equals("order")) {
            throw new IllegalArgumentException("usage: order ITEM (got " + String.join(" ", args) + ")");
        }
        ShopOrder saved = orders.save(ShopOrder.of(args[1]));
        ShopOrder found = orders.findById(saved.id()).orElseThrow();
        System.out.println("postgresql: saved order " + found.id() + " (" + found.item() + ")");
        System.out.println("valkey: orders placed " + redis.opsForValue().increment(PLACED));
        events.publish("order " + found.id() + " (" + found.item() + ")");
        System.out.println("rabbitmq: listener received " + events.nextReceived(Duration.ofSeconds(30))
                .orElseThrow(() -> new IllegalStateException("the listener received no event within 30 s")));
    }
}
