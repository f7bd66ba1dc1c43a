package dev.addons.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.InvalidSpecException;
import org.junit.jupiter.api.Test;

class NamesTest {

    @Test
    void tenantNamesAreUniquePerAppAndEnvironment() {
        assertThat(Names.tenant("my-app", "production")).isEqualTo("my_app");
        assertThat(Names.tenant("my", "app")).isEqualTo("my__app");
        assertThat(Names.tenant("my-app", "staging")).isEqualTo("my_app__staging");
        assertThat(Names.tenant("a234567890123456789012345678901234567890", "b2345678901234567890"))
                .hasSize(62);
    }

    @Test
    void appNamesWithDoubleOrTrailingHyphensAreRefusedSoTenantsCannotCollide() {
        assertThat(Names.app("app", "my-app2")).isEqualTo("my-app2");
        for (String bad : new String[] {"my--app", "app-", "-app", "1app", "App", "a b", "a_b", "a;b", "a/b", "é",
                "a234567890123456789012345678901234567890x"}) {
            assertThatThrownBy(() -> Names.app("app", bad)).as(bad).isInstanceOf(InvalidSpecException.class);
        }
    }

    @Test
    void controlCharactersAreEscapedInMessages() {
        assertThatThrownBy(() -> Names.app("app name", "a\nb"))
                .hasMessageStartingWith("app name 'a\\u000ab' is invalid");
    }
}
