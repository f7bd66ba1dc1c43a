package dev.addons.spring.boot.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.ContextCustomizer;

class AddonsContextCustomizerFactoryTest {
    private final AddonsContextCustomizerFactory factory = new AddonsContextCustomizerFactory();

    @WithSpringAddon(name = "valkey", version = "7")
    static class OneAddon {
    }

    @WithSpringAddons(runtime = "process", value = {@WithSpringAddon(name = "valkey", version = "7")})
    static class OnProcess {
    }

    static class Inheriting extends OneAddon {
    }

    @WithSpringAddon(name = "valkey")
    @WithSpringAddon(name = "valkey", version = "7")
    static class Twice {
    }

    @WithSpringAddon(name = " ")
    static class Blank {
    }

    static class None {
    }

    @WithSpringAddon(name = "valkey", version = "7")
    static class Outer {
        @Nested
        class Inner {
        }
    }

    private ContextCustomizer customizer(Class<?> testClass) {
        return factory.createContextCustomizer(testClass, List.of());
    }

    @Test
    void aClassWithoutTheAnnotationGetsNoCustomizer() {
        assertThat(customizer(None.class)).isNull();
    }

    @Test
    void equalDeclarationsMakeEqualCustomizersSoSpringSharesTheirContext() {
        assertThat(customizer(OneAddon.class)).isEqualTo(customizer(Inheriting.class))
                .hasSameHashCodeAs(customizer(Inheriting.class));
        assertThat(customizer(Outer.Inner.class)).isEqualTo(customizer(OneAddon.class));
        assertThat(customizer(OnProcess.class)).isNotEqualTo(customizer(OneAddon.class));
    }

    @Test
    void anAddonDeclaredTwiceIsRefusedByName() {
        assertThatThrownBy(() -> customizer(Twice.class)).hasMessage("@WithSpringAddon(name = \"valkey\") on "
                + Twice.class.getName() + " is declared twice: declare each addon once");
    }

    @Test
    void aBlankNameIsRefusedWithAnExample() {
        assertThatThrownBy(() -> customizer(Blank.class)).hasMessage("@WithSpringAddon(name = \"\") on "
                + Blank.class.getName() + ": name an addon, e.g. @WithSpringAddon(name = \"postgresql\")");
    }
}
