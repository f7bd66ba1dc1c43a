package dev.addons.spring.boot;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.amqp.RabbitConnectionDetails;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.data.redis.RedisConnectionDetails;
import org.springframework.boot.autoconfigure.jdbc.JdbcConnectionDetails;
import org.springframework.boot.autoconfigure.r2dbc.R2dbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Turns the app's addons into Spring Boot's {@code ConnectionDetails}: {@link JdbcConnectionDetails}
 * for a SQL addon (and {@link R2dbcConnectionDetails} when R2DBC is on the class path),
 * {@link RedisConnectionDetails} for Valkey, {@link RabbitConnectionDetails} for RabbitMQ, so no
 * {@code spring.datasource.*}, {@code spring.data.redis.*} or {@code spring.rabbitmq.*} is needed.
 * The values are those of {@link dev.addons.core.Environment#current()} (injected by
 * {@code addons run}, or read from the addons home for {@code ADDONS_APP}); which addon gives which
 * is what the providers on the class path declare. Each bean backs off when the app defines its own.
 * Runs before Spring Boot's own auto-configurations of those clients, whose property-based details
 * then back off.
 *
 * @since 0.1.0
 */
@AutoConfiguration(beforeName = {
        "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
        "org.springframework.boot.autoconfigure.r2dbc.R2dbcAutoConfiguration",
        "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration",
        "org.springframework.boot.autoconfigure.data.redis.RedisReactiveAutoConfiguration",
        "org.springframework.boot.autoconfigure.amqp.RabbitAutoConfiguration"})
public class AddonsAutoConfiguration {

    /** The connections of this process's app; a test's own when the test integration registered them. */
    @Bean(name = AddonConnections.BEAN_NAME)
    @ConditionalOnMissingBean
    public AddonConnections addonConnections() {
        return AddonConnections.current(AddonsAutoConfiguration.class.getClassLoader());
    }

    @Bean
    @ConditionalOnMissingBean(JdbcConnectionDetails.class)
    @ConditionalOnAddonProperty(AddonConnectionDetails.DATASOURCE_URL)
    public JdbcConnectionDetails addonsJdbcConnectionDetails(AddonConnections connections) {
        return AddonConnectionDetails.jdbc(connections).orElseThrow();
    }

    @Bean
    @ConditionalOnMissingBean(RedisConnectionDetails.class)
    @ConditionalOnAddonProperty(AddonConnectionDetails.REDIS_URL)
    public RedisConnectionDetails addonsRedisConnectionDetails(AddonConnections connections) {
        return AddonConnectionDetails.redis(connections).orElseThrow();
    }

    @Bean
    @ConditionalOnMissingBean(RabbitConnectionDetails.class)
    @ConditionalOnAddonProperty(AddonConnectionDetails.RABBITMQ_HOST)
    public RabbitConnectionDetails addonsRabbitConnectionDetails(AddonConnections connections) {
        return AddonConnectionDetails.rabbit(connections).orElseThrow();
    }

    /** R2DBC's, only when R2DBC's SPI is on the class path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.r2dbc.spi.ConnectionFactoryOptions")
    static class R2dbc {
        @Bean
        @ConditionalOnMissingBean(R2dbcConnectionDetails.class)
        @ConditionalOnAddonProperty(AddonConnectionDetails.DATASOURCE_URL)
        R2dbcConnectionDetails addonsR2dbcConnectionDetails(AddonConnections connections) {
            return AddonR2dbcConnectionDetails.of(connections).orElseThrow();
        }
    }
}
