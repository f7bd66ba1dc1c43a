package dev.addons.core;

import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.AddonVariables;
import dev.addons.api.spi.JdbcUrl;
import dev.addons.core.internal.ProviderRegistry;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The addon providers {@link java.util.ServiceLoader} finds on a class path, and what they
 * declare about the variables they hand over ({@link AddonProvider#variables()},
 * {@link AddonProvider#jdbcUrl()}, {@link AddonProvider#springBootProperties}): what
 * {@link Environment}, the JUnit extension and the CLI work from, so that they name no engine and
 * a new engine is one module on the class path. Immutable and thread-safe.
 *
 * @since 0.3
 */
public final class AddonProviders {
    private final ProviderRegistry registry;

    AddonProviders(ProviderRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry == null");
    }

    /** The providers {@code classLoader} finds (loaded once per class loader). */
    public static AddonProviders of(ClassLoader classLoader) {
        return new AddonProviders(ProviderRegistry.describing(Objects.requireNonNull(classLoader,
                "classLoader == null")));
    }

    /** The providers on addons-core's own class path, as {@link Addons.Builder} finds them by default. */
    public static AddonProviders found() {
        return of(AddonProviders.class.getClassLoader());
    }

    /** Every provider, by name. */
    public List<AddonProvider> all() {
        return registry.all();
    }

    /** The provider named or aliased {@code name}, when there is one. */
    public Optional<AddonProvider> find(String name) {
        return registry.find(Objects.requireNonNull(name, "name == null"));
    }

    /**
     * The provider named or aliased {@code name}; throws {@link dev.addons.api.AddonNotFoundException}
     * naming those found.
     */
    public AddonProvider require(String name) {
        return registry.require(Objects.requireNonNull(name, "name == null"));
    }

    /** Every variable a provider declares it sets, in provider-name order. */
    public Set<String> variableNames() {
        Set<String> names = new LinkedHashSet<>();
        registry.all().forEach(p -> p.variables().ifPresent(v -> names.addAll(v.names())));
        return names;
    }

    /** The variables whose presence in a process environment shows a platform injected addons. */
    public Set<String> injectionMarkers() {
        Set<String> markers = new LinkedHashSet<>();
        registry.all().forEach(p -> p.variables().ifPresent(v -> markers.addAll(v.markers())));
        return markers;
    }

    /** The providers that declare they set {@code variable}, by name. */
    public List<AddonProvider> declaring(String variable) {
        Objects.requireNonNull(variable, "variable == null");
        return registry.all().stream()
                .filter(p -> p.variables().map(AddonVariables::names).orElse(List.of()).contains(variable))
                .toList();
    }

    /** The SQL addons' providers: those that declare a {@link JdbcUrl}, by name. */
    public List<AddonProvider> sql() {
        return registry.all().stream().filter(p -> p.jdbcUrl().isPresent()).toList();
    }

    /** The JDBC URLs the SQL addons' providers declare, in provider-name order. */
    public List<JdbcUrl> jdbcUrls() {
        List<JdbcUrl> urls = new ArrayList<>();
        registry.all().forEach(p -> p.jdbcUrl().ifPresent(urls::add));
        return urls;
    }

    @Override
    public String toString() {
        return "AddonProviders" + registry.all().stream().map(p -> p.descriptor().name()).toList();
    }
}
