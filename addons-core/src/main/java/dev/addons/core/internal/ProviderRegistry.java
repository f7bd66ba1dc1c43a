package dev.addons.core.internal;

import dev.addons.api.AddonException;
import dev.addons.api.AddonNotFoundException;
import dev.addons.api.UnsupportedOperationAddonException;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.BackupCapability;
import dev.addons.api.spi.Capability;
import dev.addons.api.spi.ConnectionLimitCapability;
import dev.addons.api.spi.ProviderDescriptor;
import dev.addons.api.spi.TenantCopyCapability;
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
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The addon providers found with {@link ServiceLoader} on a class loader, by name and alias.
 * Built-in and third-party providers come through the same services file. A provider that fails
 * to load is reported and skipped; two providers claiming one name is an error naming both.
 * What the services files list is read once per class loader; each registry holds instances of
 * its own, which {@link #close()} closes. Thread-safe.
 */
public final class ProviderRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderRegistry.class);
    private static final Map<ClassLoader, List<ServiceLoader.Provider<AddonProvider>>> FOUND =
            Collections.synchronizedMap(new WeakHashMap<>());
    private static final Map<ClassLoader, ProviderRegistry> DESCRIBING = new WeakHashMap<>();

    /** Which artifact provides which addon, for the hint in "not found" messages. */
    private static final Map<String, String> ARTIFACTS = Map.of(
            "postgresql", "addons-postgres", "postgres", "addons-postgres",
            "mysql", "addons-mysql",
            "valkey", "addons-redis", "redis", "addons-redis",
            "rabbitmq", "addons-rabbitmq",
            "memcached", "addons-memcache", "memcache", "addons-memcache");

    private final Map<String, AddonProvider> byName;
    private final Map<String, AddonProvider> byAlias;
    private final AtomicBoolean closed = new AtomicBoolean();

    ProviderRegistry(List<AddonProvider> providers) {
        Map<String, AddonProvider> names = new TreeMap<>();
        Map<String, AddonProvider> aliases = new TreeMap<>();
        for (AddonProvider provider : providers) {
            ProviderDescriptor descriptor = describe(provider);
            claim(names, descriptor.name(), provider);
            for (String alias : descriptor.aliases()) {
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

    /**
     * A registry of new instances of {@code classLoader}'s providers, whose services files are
     * read once per class loader. Close it to close them.
     */
    public static ProviderRegistry load(ClassLoader classLoader) {
        List<AddonProvider> instances = new ArrayList<>();
        for (ServiceLoader.Provider<AddonProvider> provider : found(classLoader)) {
            try {
                instances.add(provider.get());
            } catch (ServiceConfigurationError e) {
                LOG.warn("Skipping an addon provider that failed to load: {}", e.getMessage());
            }
        }
        try {
            return new ProviderRegistry(instances);
        } catch (RuntimeException e) {
            closeAll(instances, e);
            throw e;
        }
    }

    /**
     * A registry of {@code classLoader}'s providers shared by everything that only reads what
     * they declare (names, variables, JDBC URL forms, Spring Boot properties): made once, never
     * closed, never used to provision (an {@code Addons} loads instances of its own).
     */
    public static ProviderRegistry describing(ClassLoader classLoader) {
        synchronized (DESCRIBING) {
            return DESCRIBING.computeIfAbsent(classLoader, ProviderRegistry::load);
        }
    }

    /**
     * Finds {@code classLoader}'s providers and initializes their classes (their descriptors are
     * constants, built then), for {@link dev.addons.core.Addons#preload()}. A provider that fails
     * to load is left for the registry's load, which reports it.
     */
    public static void preload(ClassLoader classLoader) {
        for (ServiceLoader.Provider<AddonProvider> provider : found(classLoader)) {
            try {
                Class<?> type = provider.type();
                Class.forName(type.getName(), true, type.getClassLoader());
            } catch (ClassNotFoundException | LinkageError | ServiceConfigurationError e) {
                // Reported by the load that needs it.
            }
        }
    }

    /** The providers {@code classLoader}'s services files list, found once. */
    static List<ServiceLoader.Provider<AddonProvider>> found(ClassLoader classLoader) {
        synchronized (FOUND) {
            return FOUND.computeIfAbsent(classLoader, ProviderRegistry::find);
        }
    }

    private static List<ServiceLoader.Provider<AddonProvider>> find(ClassLoader classLoader) {
        List<ServiceLoader.Provider<AddonProvider>> found = new ArrayList<>();
        Iterator<ServiceLoader.Provider<AddonProvider>> it =
                ServiceLoader.load(AddonProvider.class, classLoader).stream().iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError e) {
                LOG.warn("Skipping an addon provider that failed to load: {}", e.getMessage());
            }
        }
        return List.copyOf(found);
    }

    /**
     * {@code provider}'s descriptor, checked: its own rules hold (name, aliases, default variant
     * and versions among those offered; see {@link ProviderDescriptor}), and it is the same value
     * when asked again. A provider that breaks them is an error naming its class.
     */
    static ProviderDescriptor describe(AddonProvider provider) {
        ProviderDescriptor descriptor;
        try {
            descriptor = provider.descriptor();
        } catch (RuntimeException e) {
            throw new AddonException("Addon provider " + provider.getClass().getName() + " has an invalid descriptor: "
                    + e.getMessage() + ". Fix or remove its jar.", e);
        }
        // The same instance, as a provider's constant is, needs no comparing: a record's first
        // equals in a JVM links its ObjectMethods call site, 15-25 ms of every command's start.
        ProviderDescriptor again = provider.descriptor();
        if (descriptor == null || descriptor != again && !descriptor.equals(again)) {
            throw new AddonException("Addon provider " + provider.getClass().getName() + " has an invalid descriptor: "
                    + (descriptor == null ? "descriptor() returned null" : "descriptor() changed between calls")
                    + ". Fix or remove its jar.");
        }
        return descriptor;
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

    /**
     * Closes every provider once, in the reverse of their order by name, carrying on past a
     * provider whose close fails: the first failure is thrown at the end, the others suppressed
     * in it. Idempotent.
     */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        RuntimeException failure = closeAll(new ArrayList<>(byName.values()), null);
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException closeAll(List<AddonProvider> providers, RuntimeException failure) {
        for (int i = providers.size() - 1; i >= 0; i--) {
            try {
                providers.get(i).close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        return failure;
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

    /**
     * {@code provider}'s capability {@code type}; throws {@link UnsupportedOperationAddonException}
     * with {@link #lacking} as its message when it has none.
     */
    public <T extends Capability> T capability(AddonProvider provider, Class<T> type) {
        return provider.capability(type).orElseThrow(() -> new UnsupportedOperationAddonException(
                lacking(provider, type)));
    }

    /**
     * Why {@code provider} cannot do what {@code type} offers, naming the engine, the operation and
     * the engines loaded here that can, e.g. {@code not supported: memcached has no backups.
     * Engines here with backups: [mysql, postgresql]}.
     */
    public String lacking(AddonProvider provider, Class<? extends Capability> type) {
        List<String> able = byName.values().stream().filter(p -> p.capability(type).isPresent())
                .map(p -> p.descriptor().name()).sorted().toList();
        return "not supported: " + provider.descriptor().name() + " " + lacks(type) + ". Engines here " + with(type)
                + ": " + (able.isEmpty() ? "none" : able.toString());
    }

    /** What a provider without {@code type} lacks, as a predicate: {@code has no backups}. */
    static String lacks(Class<? extends Capability> type) {
        if (type == BackupCapability.class) {
            return "has no backups";
        } else if (type == TenantCopyCapability.class) {
            return "cannot copy a tenant";
        } else if (type == ConnectionLimitCapability.class) {
            return "limits no tenant's connections";
        }
        return "has no " + type.getSimpleName();
    }

    private static String with(Class<? extends Capability> type) {
        if (type == BackupCapability.class) {
            return "with backups";
        } else if (type == TenantCopyCapability.class) {
            return "that copy tenants";
        } else if (type == ConnectionLimitCapability.class) {
            return "that limit them";
        }
        return "with " + type.getSimpleName();
    }
}
