package dev.addons.examples.spring;

import org.springframework.amqp.core.Queue;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A small shop on Spring Boot 3: orders in PostgreSQL through a Spring Data JDBC repository, a
 * counter in Valkey through a {@code StringRedisTemplate}, and an event per order through RabbitMQ
 * to a {@code @RabbitListener}. It has no connection settings of its own: addons-spring-boot makes
 * them from the addons' variables, which {@code bin/addons run} injects. With {@code order ITEM}
 * it places one order, prints what each service did, and exits.
 */
@SpringBootApplication
public class ShopApplication {
    /** The queue order events go to. */
    public static final String ORDERS = "shop-orders";

    @Bean
    Queue orders() {
        return new Queue(ORDERS, true);
    }

    public static void main(String[] args) {
        ConfigurableApplicationContext context = SpringApplication.run(ShopApplication.class, args);
        // The listener's threads would keep the JVM up: the example ends once its command is done.
        System.exit(SpringApplication.exit(context));
    }
}
