package dev.addons.spring.boot;

import dev.addons.api.Credentials;
import dev.addons.api.Variable;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.AddonVariables;
import dev.addons.core.AddonProviders;
import dev.addons.core.Environment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An app's addons as Spring Boot sees them: for each addon whose variables an addons
 * {@link Environment} holds, the Spring Boot properties its provider maps them to
 * ({@link AddonProvider#springBootProperties}, e.g. {@code spring.datasource.url} or
 * {@code spring.data.redis.url}). The {@code ConnectionDetails} beans are made from these, so this
 * class names no engine: an engine is known by what its provider declares. Immutable and
 * thread-safe; {@link #toString()} names addons and properties, never a value.
 *
 * <p>An addon is present when the environment holds one of the variables its provider alone
 * declares ({@code PGHOST}, not the {@code DATABASE_URL} PostgreSQL and MySQL both declare).
 * When two present addons map the same property, the first in provider-name order gives it, as
 * the first SQL addon in name order keeps {@code DATABASE_URL}.
 *
 * @since 0.1.0
 */
public final class AddonConnections {
    /**
     * The bean name under which the test integration registers the connections of a test's own
     * addons; the auto-configuration then takes those instead of {@link #current()}'s.
     */
    public static final String BEAN_NAME = "addonConnections";

    private final List<AddonProperties> addons;

    private AddonConnections(List<AddonProperties> addons) {
        this.addons = List.copyOf(addons);
    }

    /** The connections of this process's app: {@link Environment#current()}, read with the providers on {@code classLoader}. */
    public static AddonConnections current(ClassLoader classLoader) {
        return of(Environment.current(), AddonProviders.of(classLoader));
    }

    /** The connections of this process's app, with the providers on addons-core's class path. */
    public static AddonConnections current() {
        return of(Environment.current(), AddonProviders.found());
    }

    /** The connections {@code environment}'s variables describe, as {@code providers} map them. */
    public static AddonConnections of(Environment environment, AddonProviders providers) {
        Objects.requireNonNull(environment, "environment == null");
        Objects.requireNonNull(providers, "providers == null");
        Map<String, String> variables = environment.variables();
        List<AddonProperties> present = new ArrayList<>();
        for (AddonProvider provider : providers.all()) {
            Optional<AddonVariables> declared = provider.variables();
            if (declared.isEmpty() || !present(provider, declared.get(), providers, variables)) {
                continue;
            }
            List<Variable> own = new ArrayList<>();
            for (String name : declared.get().names()) {
                String value = variables.get(name);
                if (value != null) {
                    own.add(Variable.secret(name, value));
                }
            }
            Map<String, String> properties = new LinkedHashMap<>();
            provider.springBootProperties(new Credentials(own)).forEach((property, value) -> {
                if (value != null && !value.isBlank()) {
                    properties.put(property, value);
                }
            });
            if (!properties.isEmpty()) {
                present.add(new AddonProperties(provider.descriptor().name(), properties));
            }
        }
        return new AddonConnections(present);
    }

    /** Whether {@code variables} hold one the provider alone declares (else, when it shares all, its URL). */
    private static boolean present(AddonProvider provider, AddonVariables declared, AddonProviders providers,
            Map<String, String> variables) {
        String name = provider.descriptor().name();
        Set<String> others = new HashSet<>();
        for (AddonProvider other : providers.all()) {
            if (!other.descriptor().name().equals(name)) {
                other.variables().ifPresent(v -> others.addAll(v.names()));
            }
        }
        List<String> own = declared.names().stream().filter(n -> !others.contains(n)).toList();
        return own.isEmpty() ? variables.containsKey(declared.url()) : own.stream().anyMatch(variables::containsKey);
    }

    /** The addons present, in provider-name order, with their properties. */
    public List<AddonProperties> addons() {
        return addons;
    }

    /** The first addon present that maps {@code property}, e.g. {@code spring.datasource.url}. */
    public Optional<AddonProperties> providing(String property) {
        Objects.requireNonNull(property, "property == null");
        return addons.stream().filter(a -> a.properties().containsKey(property)).findFirst();
    }

    /** Whether an addon present maps {@code property}. */
    public boolean provides(String property) {
        return providing(property).isPresent();
    }

    @Override
    public String toString() {
        List<String> out = new ArrayList<>();
        addons.forEach(a -> out.add(a.addon() + "=" + a.properties().keySet()));
        return "AddonConnections" + out;
    }

    /**
     * One addon's Spring Boot properties. Values may be secrets: {@link #toString()} shows names only.
     *
     * @param addon      the provider's name, e.g. {@code postgresql}
     * @param properties the properties, by name, in the provider's order; no blank value
     */
    public record AddonProperties(String addon, Map<String, String> properties) {
        public AddonProperties {
            Objects.requireNonNull(addon, "addon == null");
            properties = Collections.unmodifiableMap(new LinkedHashMap<>(
                    Objects.requireNonNull(properties, "properties == null")));
        }

        /** The value of {@code property}; throws naming the addon and the property when it maps none. */
        public String require(String property) {
            String value = properties.get(property);
            if (value == null) {
                throw new IllegalStateException("Addon " + addon + " maps no Spring Boot property " + property
                        + ". It maps: " + properties.keySet());
            }
            return value;
        }

        /** The value of {@code property}, or {@code null} when it maps none. */
        public String get(String property) {
            return properties.get(property);
        }

        @Override
        public String toString() {
            return "AddonProperties[" + addon + ", " + properties.keySet() + "]";
        }
    }
}
