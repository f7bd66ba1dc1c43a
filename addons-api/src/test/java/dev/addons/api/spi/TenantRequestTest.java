package dev.addons.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonSpec;
import org.junit.jupiter.api.Test;

class TenantRequestTest {

    private static TenantRequest.Builder shop(String variant, boolean shared) {
        return TenantRequest.builder().addonId("a1").app("shop", "production").variant(variant, shared).tenant("shop");
    }

    @Test
    void hasTheDefaultLimitOnASharedServerAndNoneOnADedicatedOne() {
        assertThat(shop("shared", true).build().connections()).isEqualTo(AddonSpec.DEFAULT_CONNECTIONS);
        assertThat(shop("small", false).build().connections()).isZero();
        assertThat(shop("shared", true).connections(5).build().connections()).isEqualTo(5);
    }

    @Test
    void refusesARequestWithARequiredFieldNotSetNamingIt() {
        assertThatThrownBy(() -> TenantRequest.builder().app("shop", "production").variant("small", false)
                .tenant("shop").build())
                .isExactlyInstanceOf(IllegalStateException.class).hasMessage("addonId is not set");
        assertThatThrownBy(() -> TenantRequest.builder().addonId("a1").variant("small", false).tenant("shop").build())
                .isExactlyInstanceOf(IllegalStateException.class).hasMessage("app is not set");
        assertThatThrownBy(() -> TenantRequest.builder().addonId("a1").app("shop", "production").tenant("shop").build())
                .isExactlyInstanceOf(IllegalStateException.class).hasMessage("variant is not set");
        assertThatThrownBy(() -> TenantRequest.builder().addonId("a1").app("shop", "production")
                .variant("small", false).build())
                .isExactlyInstanceOf(IllegalStateException.class).hasMessage("tenant is not set");
    }

    @Test
    void refusesABadTenantNameAtOnceAndALimitThatDoesNotFitTheVariant() {
        assertThatThrownBy(() -> TenantRequest.builder().tenant("Shop"))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("tenant must match [a-z][a-z0-9_]{0,62}: Shop");
        assertThatThrownBy(() -> shop("small", false).connections(5).build())
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("connections out of range: 5 (at least 1 on a shared server, 0 on a dedicated one)");
    }
}
