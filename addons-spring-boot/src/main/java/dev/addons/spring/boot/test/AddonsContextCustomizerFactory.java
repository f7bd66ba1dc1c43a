package dev.addons.spring.boot.test;

import dev.addons.api.AddonSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Finds {@link WithSpringAddon} on a test class (inherited, or on the class a {@code @Nested} one
 * is in) and makes the {@link AddonsContextCustomizer} that provisions them for its context.
 * Registered in {@code META-INF/spring.factories}. Stateless.
 *
 * @since 0.1.0
 */
public final class AddonsContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass,
            List<ContextConfigurationAttributes> configAttributes) {
        Set<WithSpringAddon> declared = TestContextAnnotationUtils.getMergedRepeatableAnnotations(testClass,
                WithSpringAddon.class);
        if (declared.isEmpty()) {
            return null;
        }
        WithSpringAddons options = TestContextAnnotationUtils.findMergedAnnotation(testClass, WithSpringAddons.class);
        String runtime = options == null ? "auto" : options.runtime();
        List<AddonSpec> specs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (WithSpringAddon addon : declared) {
            if (addon.name().isBlank()) {
                throw new IllegalStateException("@WithSpringAddon(name = \"\") on " + testClass.getName()
                        + ": name an addon, e.g. @WithSpringAddon(name = \"postgresql\")");
            }
            if (!names.add(addon.name())) {
                throw new IllegalStateException("@WithSpringAddon(name = \"" + addon.name() + "\") on "
                        + testClass.getName() + " is declared twice: declare each addon once");
            }
            specs.add(new AddonSpec(addon.name(), blankToNull(addon.variant()), blankToNull(addon.version())));
        }
        return new AddonsContextCustomizer(specs, runtime);
    }

    private static String blankToNull(String value) {
        return value.isBlank() ? null : value;
    }
}
