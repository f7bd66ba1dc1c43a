package dev.addons.core.internal;

import dev.addons.api.AddonException;
import dev.addons.api.AddonNotFoundException;
import dev.addons.api.spi.AddonProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.WeakHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The addon providers found with {@link ServiceLoader} on a class loader, by name and alias.
 * Built-in and third-party providers come through the same services file. A provider that fails
 * to load is reported and skipped; two providers claiming one name is an error naming both.
 * Immutable and thread-safe; cached per class loader.
 */
public final class ProviderRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderRegistry.class);
    private static final Map<ClassLoader, ProviderRegistry> CACHE = Collections.synchronizedMap(new WeakHashMap<>());

    /** Which artifact provides which addon, for the hint in "not found" messages. */
    private static final Map<String, String> ARTIFACTS = Map.of(
            "postgresql", "addons-postgres", "postgres", "addons-postgres",
            "mysql", "addons-mysql",
            "valkey", "addons-redis", "redis", "addons-redis",
            "rabbitmq", "addons-rabbitmq",
            "memcached", "addons-memcache", "memcache", "addons-memcache");

    private final Map<String, AddonProvider> byName;
    private final Map<String, AddonProvider> byAlias;

    ProviderRegistry(List<AddonProvider> providers) {
        Map<String, AddonProvider> names = new TreeMap<>();
        Map<String, AddonProvider> aliases = new TreeMap<>();
        for (AddonProvider provider : providers) {
            claim(names, provider.name(), provider);
            for (String alias : provider.aliases()) {
                claim(aliases, alias, provider);
            }
        }
        for (String alias : aliases.keySet()) {
            if (names.containsKey(alias) && names.get(alias) != aliases.get(alias)) {
                throw clash(alias, names.get(alias), aliases.get(alias));
            }
        }
        this.byName = Collections.unmodifiableMap(new LinkedHashMap<>(names));
        this.byAlias = Collections.unmodifiableMap(aliases);
    }

    /** The registry of {@code classLoader}'s providers, loaded once. */
    public static ProviderRegistry forClassLoader(ClassLoader classLoader) {
        synchronized (CACHE) {
            return CACHE.computeIfAbsent(classLoader, cl -> new ProviderRegistry(load(cl)));
        }
    }

    private static List<AddonProvider> load(ClassLoader classLoader) {
        List<AddonProvider> found = new ArrayList<>();
        Iterator<ServiceLoader.Provider<AddonProvider>> it =
                ServiceLoader.load(AddonProvider.class, classLoader).stream().iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next().get());
            } catch (ServiceConfigurationError e) {
                LOG.warn("Skipping an addon provider that failed to load: {}", e.getMessage());
            }
        }
        return found;
    }

    private static void claim(Map<String, AddonProvider> map, String key, AddonProvider provider) {
        AddonProvider previous = map.putIfAbsent(key, provider);
        if (previous != null && previous != provider) {
            throw clash(key, previous, provider);
        }
    }

    private static AddonException clash(String name, AddonProvider a, AddonProvider b) {
        return new AddonException("Two addon providers claim the name '" + name + "': "
                + a.getClass().getName() + " and " + b.getClass().getName() + ". Remove one of their jars.");
    }

    /** All providers, by name. */
    public List<AddonProvider> all() {
        return List.copyOf(byName.values());
    }

    /** The provider named or aliased {@code name}. */
    public Optional<AddonProvider> find(String name) {
        AddonProvider provider = byName.get(name);
        return Optional.ofNullable(provider != null ? provider : byAlias.get(name));
    }

    /** The provider named or aliased {@code name}; throws a message listing what was found. */
    public AddonProvider require(String name) {
        return find(name).orElseThrow(() -> {
            String hint = ARTIFACTS.containsKey(name)
                    ? " Add dev.addons:" + ARTIFACTS.get(name) + "."
                    : " Check the spelling.";
            return new AddonNotFoundException("No addon provider named '" + Names.printable(name) + "'. Found: "
                    + byName.keySet() + "." + hint);
        });
    }
}
