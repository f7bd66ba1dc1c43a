package dev.addons.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.Credentials;
import dev.addons.api.Endpoint;
import dev.addons.api.spi.Binding;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValkeyCredentialsTest {

    @Test
    void theServiceBindingIsOfTypeRedisWithThePasswordAndUrlAndNoUserName() {
        Credentials credentials = ValkeyCredentials.of(
                Binding.of("password", "s3cret", "server", "valkey", "serverVersion", "7.2.4"),
                new Endpoint("127.0.0.1", 6380));

        assertThat(credentials.serviceBinding().entries()).containsExactly(
                Map.entry("type", "redis"), Map.entry("provider", "addons"),
                Map.entry("host", "127.0.0.1"), Map.entry("port", "6380"), Map.entry("password", "s3cret"),
                Map.entry("uri", credentials.get("VALKEY_URL").orElseThrow()));
        assertThat(credentials.serviceBinding().toString()).doesNotContain("s3cret");
    }

    @Test
    void everyVariableSetIsDeclaredEitherUrlMarksAnInjectedAddonAndSpringBootGetsTheRedisUrl() {
        Credentials credentials = ValkeyCredentials.of(
                Binding.of("password", "s3cret", "server", "valkey", "serverVersion", "7.2.4"),
                new Endpoint("127.0.0.1", 6380));
        ValkeyProvider provider = new ValkeyProvider();

        assertThat(provider.variables()).hasValueSatisfying(declared -> {
            assertThat(declared.names()).containsExactlyElementsOf(credentials.toMap().keySet());
            assertThat(declared.markers()).containsExactlyInAnyOrder("VALKEY_URL", "REDIS_URL");
        });
        assertThat(provider.jdbcUrl()).isEmpty();
        assertThat(provider.springBootProperties(credentials))
                .containsExactly(Map.entry("spring.data.redis.url", credentials.get("REDIS_URL").orElseThrow()));
    }
}
