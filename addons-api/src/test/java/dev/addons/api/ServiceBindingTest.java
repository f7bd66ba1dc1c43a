package dev.addons.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceBindingTest {

    @Test
    void aBindingMadeForAnEndpointHasTypeProviderHostAndPortInThatOrder() {
        ServiceBinding binding = ServiceBinding.of("postgresql", new Endpoint("127.0.0.1", 5432)).with("uri", "u");

        assertThat(binding.entries().keySet()).containsExactly("type", "provider", "host", "port", "uri");
        assertThat(binding.entries()).containsEntry("provider", "addons").containsEntry("port", "5432");
    }

    @Test
    void aBindingWithoutTypeIsRefused() {
        assertThatThrownBy(() -> new ServiceBinding(Map.of("host", "h")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a service binding needs a 'type' entry; it has [host]");
    }

    @Test
    void entryNamesMustBePlainFileNames() {
        assertThatThrownBy(() -> ServiceBinding.of("redis").with("../escape", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("../escape");
    }

    @Test
    void toStringShowsNamesButNoValue() {
        ServiceBinding binding = ServiceBinding.of("redis").with("password", "s3cret");
        Credentials credentials = Credentials.of(Variable.secret("REDIS_PASSWORD", "s3cret")).withServiceBinding(binding);

        assertThat(binding.toString()).isEqualTo("ServiceBinding[type, password]");
        assertThat(credentials.toString()).doesNotContain("s3cret");
        assertThat(credentials.serviceBinding().get("password")).contains("s3cret");
    }

    @Test
    void variablesOfSeveralAddonsCarryNoBinding() {
        Credentials one = Credentials.of(Variable.plain("A", "1")).withServiceBinding(ServiceBinding.of("x"));
        Credentials two = Credentials.of(Variable.plain("B", "2")).withServiceBinding(ServiceBinding.of("y"));

        assertThat(one.plus(two).serviceBinding()).isSameAs(ServiceBinding.NONE);
    }
}
