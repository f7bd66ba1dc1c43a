package dev.addons.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.amqp.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.amqp.RabbitConnectionDetails;
import org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration;
import org.springframework.boot.autoconfigure.data.redis.RedisConnectionDetails;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcConnectionDetails;
import org.springframework.boot.autoconfigure.r2dbc.R2dbcConnectionDetails;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class AddonsAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(AddonsAutoConfiguration.class, DataSourceAutoConfiguration.class,
                    RedisAutoConfiguration.class, RabbitAutoConfiguration.class));

    /** Without Spring Boot's DataSource, which fails to start without a URL. */
    private static ApplicationContextRunner withoutDataSource() {
        return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(AddonsAutoConfiguration.class,
                RedisAutoConfiguration.class, RabbitAutoConfiguration.class));
    }

    /** The app's addons as the test integration hands them over: registered before the context starts. */
    private static void addons(ConfigurableApplicationContext context, Map<String, String> variables) {
        context.getBeanFactory().registerSingleton(AddonConnections.BEAN_NAME,
                AddonConnectionsTest.connections(variables));
    }

    @Test
    void theAppsAddonsBecomeSpringBootsConnectionDetailsWithoutAnySpringProperty() {
        runner.withInitializer(c -> addons(c, AddonConnectionsTest.merged(AddonConnectionsTest.POSTGRES,
                AddonConnectionsTest.VALKEY, AddonConnectionsTest.RABBITMQ))).run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).getBean(JdbcConnectionDetails.class).extracting(JdbcConnectionDetails::getJdbcUrl)
                            .isEqualTo("jdbc:postgresql://127.0.0.1:5433/shop");
                    assertThat(context).hasSingleBean(RedisConnectionDetails.class);
                    assertThat(context).hasSingleBean(RabbitConnectionDetails.class);
                    assertThat(context).hasSingleBean(R2dbcConnectionDetails.class);
                    // Spring Boot's own pool is built from them.
                    HikariDataSource pool = context.getBean(HikariDataSource.class);
                    assertThat(pool.getJdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5433/shop");
                    assertThat(pool.getUsername()).isEqualTo("shop");
                });
    }

    @Test
    void onlyTheAddonsPresentGiveBeans() {
        withoutDataSource().withInitializer(c -> addons(c, AddonConnectionsTest.VALKEY)).run(context -> {
            assertThat(context).hasSingleBean(RedisConnectionDetails.class);
            assertThat(context).getBeans(JdbcConnectionDetails.class).isEmpty();
            assertThat(context).getBeans(R2dbcConnectionDetails.class).isEmpty();
            assertThat(context).getBean(RabbitConnectionDetails.class)
                    .isNotInstanceOf(AddonConnectionDetails.class)
                    .extracting(RabbitConnectionDetails::getFirstAddress)
                    .isEqualTo(new RabbitConnectionDetails.Address("localhost", 5672)); // Spring Boot's own default
        });
    }

    @Test
    void withoutR2dbcOnTheClassPathThereIsNoR2dbcBean() {
        runner.withClassLoader(new FilteredClassLoader(ConnectionFactoryOptions.class))
                .withInitializer(c -> addons(c, AddonConnectionsTest.POSTGRES)).run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(JdbcConnectionDetails.class);
                    assertThat(context).doesNotHaveBean("addonsR2dbcConnectionDetails");
                });
    }

    @Test
    void theAppsOwnConnectionDetailsWin() {
        runner.withUserConfiguration(OwnJdbc.class)
                .withInitializer(c -> addons(c, AddonConnectionsTest.POSTGRES)).run(context -> {
                    assertThat(context).getBean(JdbcConnectionDetails.class).extracting(JdbcConnectionDetails::getJdbcUrl)
                            .isEqualTo("jdbc:postgresql://db.example:5432/own");
                    assertThat(context).doesNotHaveBean("addonsJdbcConnectionDetails");
                });
    }

    @Test
    void aProcessWithoutAddonsGetsNoneOfTheirBeans() {
        // This test JVM's own environment: no addon's variables, no ADDONS_APP.
        withoutDataSource().run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean("addonsJdbcConnectionDetails");
            assertThat(context).doesNotHaveBean("addonsRedisConnectionDetails");
            assertThat(context).doesNotHaveBean("addonsRabbitConnectionDetails");
            assertThat(context.getBean(AddonConnections.class).addons()).isEmpty();
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnJdbc {
        @Bean
        JdbcConnectionDetails ownJdbcConnectionDetails() {
            return new JdbcConnectionDetails() {
                @Override
                public String getUsername() {
                    return "own";
                }

                @Override
                public String getPassword() {
                    return "own";
                }

                @Override
                public String getJdbcUrl() {
                    return "jdbc:postgresql://db.example:5432/own";
                }
            };
        }
    }
}
