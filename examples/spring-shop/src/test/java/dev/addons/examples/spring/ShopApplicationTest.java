package dev.addons.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.spring.boot.test.WithSpringAddon;
import dev.addons.spring.boot.test.WithSpringAddons;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.StringRedisTemplate;

/** The shop against real servers of its own (process runtime), provisioned for this test context. */
@SpringBootTest
@WithSpringAddons(runtime = "process", value = {
        @WithSpringAddon(name = "postgresql", version = "15", variant = "shared"),
        @WithSpringAddon(name = "valkey", version = "7"),
        @WithSpringAddon(name = "rabbitmq", version = "3")})
class ShopApplicationTest {
    @Autowired
    ShopOrders orders;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    OrderEvents events;

    @Test
    void theRepositorySavesAndFindsAnOrderInPostgresql() {
        ShopOrder saved = orders.save(ShopOrder.of("tea"));

        assertThat(saved.id()).isNotNull();
        assertThat(orders.findById(saved.id())).contains(new ShopOrder(saved.id(), "tea"));
    }

    @Test
    void theRedisTemplateSetsAndGetsInValkey() {
        redis.opsForValue().set("shop:greeting", "hello");

        assertThat(redis.opsForValue().get("shop:greeting")).isEqualTo("hello");
        assertThat(redis.opsForValue().increment("shop:test-counter")).isEqualTo(1L);
    }

    @Test
    void theListenerReceivesWhatIsSentThroughRabbitmq() throws InterruptedException {
        events.publish("order 42 (scones)");

        assertThat(events.nextReceived(Duration.ofSeconds(30))).contains("order 42 (scones)");
    }
}
