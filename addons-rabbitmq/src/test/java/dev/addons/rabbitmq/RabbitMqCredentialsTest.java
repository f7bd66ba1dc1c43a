package dev.addons.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.Credentials;
import dev.addons.api.Endpoint;
import dev.addons.api.Variable;
import dev.addons.api.spi.Binding;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RabbitMqCredentialsTest {

    private static final Endpoint LOCAL = new Endpoint("127.0.0.1", 35672);

    @Test
    void givesTheSixVariablesInOrderWithTheUrlAndPasswordSensitive() {
        Credentials credentials = RabbitMqCredentials.of(
                Binding.of("user", "blog", "password", "Secret0123", "vhost", "blog", "serverVersion", "3.10.8"), LOCAL);

        assertThat(credentials.variables()).containsExactly(
                Variable.secret("RABBITMQ_URL", "amqp://blog:Secret0123@127.0.0.1:35672/blog"),
                Variable.plain("RABBITMQ_HOST", "127.0.0.1"),
                Variable.plain("RABBITMQ_PORT", "35672"),
                Variable.plain("RABBITMQ_USER", "blog"),
                Variable.secret("RABBITMQ_PASSWORD", "Secret0123"),
                Variable.plain("RABBITMQ_VHOST", "blog"));
        assertThat(credentials.toString()).doesNotContain("Secret0123");
    }

    @Test
    void percentEncodesTheVhostAndUserInfoSoTheUrlParsesBackToThem() {
        Credentials credentials = RabbitMqCredentials.of(
                Binding.of("user", "a b@c:d", "password", "p/w%+?#", "vhost", "/"), LOCAL);
        String url = credentials.get("RABBITMQ_URL").orElseThrow();

        assertThat(url).isEqualTo("amqp://a%20b%40c%3Ad:p%2Fw%25%2B%3F%23@127.0.0.1:35672/%2F");
        URI parsed = URI.create(url);
        String[] userInfo = parsed.getRawUserInfo().split(":", 2);
        assertThat(decode(userInfo[0])).isEqualTo("a b@c:d");
        assertThat(decode(userInfo[1])).isEqualTo("p/w%+?#");
        assertThat(decode(parsed.getRawPath().substring(1))).isEqualTo("/");
        assertThat(credentials.get("RABBITMQ_VHOST")).contains("/");
    }

    @Test
    void putsAnIpv6HostInBracketsInTheUrlOnly() {
        Credentials credentials = RabbitMqCredentials.of(
                Binding.of("user", "u", "password", "p", "vhost", "v"), new Endpoint("::1", 5672));

        assertThat(credentials.get("RABBITMQ_URL")).contains("amqp://u:p@[::1]:5672/v");
        assertThat(credentials.get("RABBITMQ_HOST")).contains("::1");
    }

    private static String decode(String component) {
        // URLDecoder reads '+' as a space; the encoder never writes one, so a literal '+' is %2B.
        return URLDecoder.decode(component, StandardCharsets.UTF_8);
    }

    @Test
    void theServiceBindingHoldsTheSameValuesWithTheVhostAsVirtualHost() {
        Credentials credentials = RabbitMqCredentials.of(
                Binding.of("user", "blog", "password", "Secret0123", "vhost", "blog", "serverVersion", "3.10.8"), LOCAL);

        assertThat(credentials.serviceBinding().entries()).containsExactly(
                java.util.Map.entry("type", "rabbitmq"), java.util.Map.entry("provider", "addons"),
                java.util.Map.entry("host", "127.0.0.1"), java.util.Map.entry("port", "35672"),
                java.util.Map.entry("username", "blog"), java.util.Map.entry("password", "Secret0123"),
                java.util.Map.entry("virtual-host", "blog"),
                java.util.Map.entry("uri", "amqp://blog:Secret0123@127.0.0.1:35672/blog"));
    }

    @Test
    void everyVariableSetIsDeclaredAndSpringBootGetsTheRabbitmqProperties() {
        Credentials credentials = RabbitMqCredentials.of(
                Binding.of("user", "blog", "password", "Secret0123", "vhost", "blog", "serverVersion", "3.10.8"), LOCAL);
        RabbitMqProvider provider = new RabbitMqProvider();

        assertThat(provider.variables()).hasValueSatisfying(declared -> {
            assertThat(declared.names()).containsExactlyElementsOf(credentials.toMap().keySet());
            assertThat(declared.markers()).containsExactly("RABBITMQ_URL");
        });
        assertThat(provider.springBootProperties(credentials)).containsExactly(
                java.util.Map.entry("spring.rabbitmq.host", "127.0.0.1"),
                java.util.Map.entry("spring.rabbitmq.port", "35672"),
                java.util.Map.entry("spring.rabbitmq.username", "blog"),
                java.util.Map.entry("spring.rabbitmq.password", "Secret0123"),
                java.util.Map.entry("spring.rabbitmq.virtual-host", "blog"));
    }
}
