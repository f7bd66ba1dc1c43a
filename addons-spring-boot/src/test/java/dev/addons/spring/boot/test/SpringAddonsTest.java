package dev.addons.spring.boot.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.spring.boot.AddonsHealthIndicator;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.data.redis.RedisConnectionDetails;
import org.springframework.boot.autoconfigure.jdbc.JdbcConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;

/** Real servers (the process runtime), reached through Spring Boot's own clients, with no Spring property set. */
@SpringBootTest(classes = SpringAddonsTest.App.class)
@WithSpringAddons(runtime = "process", value = {
        @WithSpringAddon(name = "postgresql", version = "15", variant = "shared"),
        @WithSpringAddon(name = "valkey", version = "7"),
        @WithSpringAddon(name = "rabbitmq", version = "3")})
class SpringAddonsTest {
    @SpringBootApplication
    static class App {
    }

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    RabbitTemplate rabbit;
    @Autowired
    AmqpAdmin admin;
    @Autowired
    AddonsHealthIndicator health;
    @Autowired
    JdbcConnectionDetails jdbcDetails;
    @Autowired
    RedisConnectionDetails redisDetails;

    @Test
    void springBootsDataSourceReachesTheTestsOwnDatabase() {
        jdbc.execute("create table if not exists notes (id serial primary key, body text not null)");
        jdbc.update("insert into notes (body) values (?)", "tea");

        assertThat(jdbc.queryForObject("select body from notes where body = 'tea'", String.class)).isEqualTo("tea");
        assertThat(jdbc.queryForObject("select current_user", String.class)).startsWith("t_spring_addons_test_");
        assertThat(jdbcDetails.getJdbcUrl()).startsWith("jdbc:postgresql://127.0.0.1:");
    }

    @Test
    void springBootsRedisTemplateReachesTheTestsValkey() {
        redis.opsForValue().set("greeting", "hello");

        assertThat(redis.opsForValue().get("greeting")).isEqualTo("hello");
        assertThat(redisDetails.getStandalone().getHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void springBootsRabbitTemplateReachesTheTestsVhost() {
        admin.declareQueue(new Queue("notes", false, false, true));
        rabbit.convertAndSend("notes", "scones");

        assertThat(rabbit.receiveAndConvert("notes", Duration.ofSeconds(10).toMillis())).isEqualTo("scones");
    }

    @Test
    void actuatorSeesEveryAddonHealthy() {
        Health found = health.health();

        assertThat(found.getStatus()).isEqualTo(Status.UP);
        assertThat(found.getDetails()).containsOnlyKeys("postgresql", "valkey", "rabbitmq");
        assertThat(found.toString()).doesNotContain(String.valueOf(jdbcDetails.getPassword()))
                .doesNotContain(String.valueOf(redisDetails.getPassword()));
    }
}
