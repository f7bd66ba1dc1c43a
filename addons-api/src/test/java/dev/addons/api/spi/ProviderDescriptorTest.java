package dev.addons.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.Variant;
import org.junit.jupiter.api.Test;

class ProviderDescriptorTest {

    private static ProviderDescriptor.Builder valid() {
        return ProviderDescriptor.builder("toydb").aliases("toy").description("A toy")
                .variant(Variant.small("Dedicated")).variant(Variant.sharedVariant("Shared"))
                .versions("1", "2").defaultVersion("2");
    }

    @Test
    void theDefaultsAreTheOnesDeclaredAndTheFirstVariantWhenNoneIsNamed() {
        ProviderDescriptor descriptor = valid().defaultVersion("process", "1").build();

        assertThat(descriptor.defaultVariant()).isEqualTo("small");
        assertThat(descriptor.defaultVersion("process")).isEqualTo("1");
        assertThat(descriptor.defaultVersion("container")).isEqualTo("2");
        assertThat(descriptor.sharedVariant()).map(Variant::name).contains("shared");
        assertThat(descriptor.answersTo("toy")).isTrue();
        assertThat(descriptor.answersTo("toys")).isFalse();
        assertThat(descriptor).isEqualTo(valid().defaultVersion("process", "1").build());
    }

    @Test
    void eachBrokenRuleIsRefusedNamingTheFieldTheValueAndWhatIsAllowed() {
        assertThatThrownBy(() -> ProviderDescriptor.builder("").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage(": no default version; set one of []");
        assertThatThrownBy(() -> ProviderDescriptor.builder("Toy").variant(Variant.small("d")).versions("1")
                .defaultVersion("1").build()).hasMessage("name must match [a-z][a-z0-9-]*: 'Toy'");
        assertThatThrownBy(() -> ProviderDescriptor.builder("").variant(Variant.small("d")).versions("1")
                .defaultVersion("1").build()).hasMessage("name must match [a-z][a-z0-9-]*: ''");
        assertThatThrownBy(() -> valid().aliases("toydb").build())
                .hasMessage("toydb: alias must match [a-z][a-z0-9-]* and differ from the name: 'toydb'");
        assertThatThrownBy(() -> valid().defaultVariant("large").build())
                .hasMessage("toydb: default variant 'large' is not one of the variants [small, shared]");
        assertThatThrownBy(() -> valid().variant(Variant.small("again")).build())
                .hasMessage("toydb: variants must be at least one, names unique: [small, shared, small]");
        assertThatThrownBy(() -> valid().defaultVersion("3").build())
                .hasMessage("toydb: default version '3' is not one of the versions [1, 2]");
        assertThatThrownBy(() -> valid().defaultVersion("process", "3").build())
                .hasMessage("toydb: default version '3' on the process runtime is not one of the versions [1, 2]");
        assertThatThrownBy(() -> valid().versions("x:1").build())
                .hasMessage("toydb: a version must be non-blank and without ':': 'x:1'");
        assertThatThrownBy(() -> valid().retired("1", "old").build())
                .hasMessage("toydb: version '1' is both supported and retired");
        assertThatThrownBy(() -> ProviderDescriptor.builder("toydb").versions("1").defaultVersion("1").build())
                .hasMessage("toydb: variants must be at least one, names unique: []");
    }
}
