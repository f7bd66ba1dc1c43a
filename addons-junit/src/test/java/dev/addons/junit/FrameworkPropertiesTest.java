package dev.addons.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.junit.SharedServer.Keeper;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

/** {@code frameworkProperties = true}: Spring Boot's properties while the scope is active, the former ones after. */
@ExtendWith(SharedServer.class)
class FrameworkPropertiesTest {
    private final Keeper keeper;

    FrameworkPropertiesTest(Keeper keeper) {
        this.keeper = keeper;
    }

    @AfterEach
    void nothingOfTheCaseIsLeft() throws SQLException {
        System.clearProperty("spring.datasource.url");
        keeper.assertOnlyItsOwnLeft();
    }

    @Test
    void frameworksFindTheAddonsInSystemPropertiesWhileTheScopeIsActive() {
        System.setProperty("spring.datasource.url", "jdbc:h2:mem:before");

        Keeper.assertPassed(keeper.run(SpringLikeCase.class), 1);

        assertThat(System.getProperty("spring.datasource.url")).isEqualTo("jdbc:h2:mem:before");
        assertThat(System.getProperty("spring.datasource.username")).isNull();
        assertThat(System.getProperty("spring.datasource.password")).isNull();
        assertThat(System.getProperty("spring.data.redis.url")).isNull();
    }

    @Test
    void thePropertiesAreOffByDefault() {
        Keeper.assertPassed(keeper.run(NoPropertiesCase.class), 1);
    }

    @WithAddons(runtime = "process", frameworkProperties = true, value = {
            @WithAddon(name = "postgresql", version = "15", variant = "shared"),
            @WithAddon(name = "valkey", version = "7")})
    static class SpringLikeCase {
        @Test
        void connectsWithTheProperties() throws SQLException {
            try (Connection c = DriverManager.getConnection(System.getProperty("spring.datasource.url"),
                    System.getProperty("spring.datasource.username"),
                    System.getProperty("spring.datasource.password"))) {
                assertThat(InjectionTest.countAfterInserting(c, "spring", 1)).isEqualTo(1);
            }
            try (Jedis jedis = new Jedis(URI.create(System.getProperty("spring.data.redis.url")))) {
                assertThat(jedis.ping()).isEqualTo("PONG");
            }
        }
    }

    @WithAddons(runtime = "process", value = @WithAddon(name = "valkey", version = "7"))
    static class NoPropertiesCase {
        @Test
        void setsNone() {
            assertThat(System.getProperty("spring.data.redis.url")).isNull();
        }
    }
}
