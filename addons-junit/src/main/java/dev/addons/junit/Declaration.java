package dev.addons.junit;

import dev.addons.api.AddonSpec;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * What a test class declares: its addons, their scope, runtime and whether to set framework
 * properties. Equal declarations share one set under {@link Scope#RUN}. Immutable.
 *
 * @param declaredOn          the class carrying the annotations
 * @param specs               the addons, in declaration order
 * @param scope               how long they live
 * @param runtime             where their servers run
 * @param frameworkProperties whether to set framework system properties
 * @param template            what the SQL addons are copied from, or {@code null} for nothing
 */
record Declaration(Class<?> declaredOn, List<AddonSpec> specs, Scope scope, String runtime,
        boolean frameworkProperties, Class<? extends AddonTemplate> template) {
    /** Whether an annotation may name {@code runtime}: {@code auto} or a runtime on the class path. */
    static boolean isRuntime(String runtime) {
        return runtime.equals("auto") || dev.addons.core.Addons.runtimeNames().contains(runtime);
    }

    /** The runtimes an annotation may name, for messages: {@code process, container or auto}. */
    static String runtimes() {
        return String.join(", ", dev.addons.core.Addons.runtimeNames()) + " or auto";
    }

    Declaration {
        specs = List.copyOf(specs);
    }

    /**
     * The declaration of {@code testClass}: its own annotations (and inherited ones), else those of
     * the class it is nested in. Empty when there are none.
     */
    static Optional<Declaration> find(Class<?> testClass) {
        for (Class<?> c = testClass; c != null; c = innerOf(c)) {
            List<WithAddon> addons = AnnotationSupport.findRepeatableAnnotations(c, WithAddon.class);
            if (!addons.isEmpty()) {
                Optional<WithAddons> options = AnnotationSupport.findAnnotation(c, WithAddons.class);
                return Optional.of(of(c, addons, options));
            }
        }
        return Optional.empty();
    }

    /** What shares one set under {@link Scope#RUN}: everything but the declaring class. */
    Object runKey() {
        return java.util.Arrays.asList(specs, runtime, frameworkProperties, template);
    }

    /** The declaration of a template's own app: the given SQL addons, nothing else. */
    Declaration forTemplate(List<AddonSpec> sql) {
        return new Declaration(template, sql, Scope.RUN, runtime, false, null);
    }

    String describe() {
        List<String> out = new ArrayList<>();
        for (AddonSpec spec : specs) {
            out.add(spec.addon() + spec.versionIfSet().map(v -> " " + v).orElse("")
                    + spec.variantIfSet().map(v -> " " + v).orElse(""));
        }
        return out.toString();
    }

    private static Declaration of(Class<?> declaredOn, List<WithAddon> addons, Optional<WithAddons> options) {
        String on = " on " + declaredOn.getName();
        List<AddonSpec> specs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (WithAddon addon : addons) {
            if (addon.name().isBlank()) {
                throw new ExtensionConfigurationException("@WithAddon(name = \"\")" + on
                        + ": name an addon, e.g. @WithAddon(name = \"postgresql\")");
            }
            if (!names.add(addon.name())) {
                throw new ExtensionConfigurationException("@WithAddon(name = \"" + addon.name() + "\")" + on
                        + " is declared twice: declare each addon once");
            }
            specs.add(new AddonSpec(addon.name(), emptyToNull(addon.variant()), emptyToNull(addon.version())));
        }
        Scope scope = options.map(WithAddons::scope).orElse(Scope.CLASS);
        String runtime = options.map(WithAddons::runtime).orElse("auto");
        if (!isRuntime(runtime)) {
            throw new ExtensionConfigurationException("@WithAddons(runtime = \"" + runtime + "\")" + on
                    + " is not a runtime: use " + runtimes());
        }
        Class<? extends AddonTemplate> template = options.map(WithAddons::template)
                .filter(t -> t != AddonTemplate.class).orElse(null);
        return new Declaration(declaredOn, specs, scope, runtime,
                options.map(WithAddons::frameworkProperties).orElse(false), template);
    }

    private static Class<?> innerOf(Class<?> c) {
        return c.getEnclosingClass() != null && !Modifier.isStatic(c.getModifiers()) ? c.getEnclosingClass() : null;
    }

    private static String emptyToNull(String value) {
        return value.isBlank() ? null : value;
    }
}
