package dev.addons.core.internal;

import dev.addons.api.InvalidSpecException;
import dev.addons.core.runtime.RuntimeFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.WeakHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link RuntimeFactory runtime factories} on a class path, by name: addons' own
 * {@code process} (built in) and {@code container} (addons-container) first, then the others in
 * name order. Found once per class loader. A factory that cannot be loaded is logged and skipped;
 * two factories of one name are reported by name when that name is asked for. Thread-safe.
 */
public final class RuntimeFactories {
    private static final Logger LOG = LoggerFactory.getLogger(RuntimeFactories.class);
    private static final List<String> OWN_ORDER = List.of("process", "container");
    /** The artifacts of addons' own runtime modules, named when their runtime is asked for without them. */
    private static final Map<String, String> OWN_MODULES = Map.of("container", "dev.addons:addons-container",
            "kubernetes", "dev.addons:addons-kubernetes");
    private static final Map<ClassLoader, RuntimeFactories> CACHE = Collections.synchronizedMap(new WeakHashMap<>());

    private final Map<String, List<RuntimeFactory>> byName;

    private RuntimeFactories(Map<String, List<RuntimeFactory>> byName) {
        this.byName = byName;
    }

    /** Finds the factories {@code loader} sees, once, for {@link dev.addons.core.Addons#preload()}. */
    public static void preload(ClassLoader loader) {
        of(loader);
    }

    /** The factories {@code loader} sees. */
    static RuntimeFactories of(ClassLoader loader) {
        return CACHE.computeIfAbsent(loader, RuntimeFactories::load);
    }

    private static RuntimeFactories load(ClassLoader loader) {
        Map<String, List<RuntimeFactory>> found = new java.util.TreeMap<>();
        var iterator = ServiceLoader.load(RuntimeFactory.class, loader).stream().iterator();
        while (true) {
            ServiceLoader.Provider<RuntimeFactory> provider;
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                provider = iterator.next();
                RuntimeFactory factory = provider.get();
                found.computeIfAbsent(factory.name(), n -> new ArrayList<>()).add(factory);
            } catch (ServiceConfigurationError e) {
                LOG.warn("A runtime factory could not be loaded and is skipped: {}", e.getMessage(), e);
            }
        }
        Map<String, List<RuntimeFactory>> ordered = new LinkedHashMap<>();
        OWN_ORDER.stream().filter(found::containsKey).forEach(n -> ordered.put(n, found.get(n)));
        found.forEach(ordered::putIfAbsent);
        return new RuntimeFactories(Collections.unmodifiableMap(ordered));
    }

    /** The names, addons' own first. */
    List<String> names() {
        return List.copyOf(byName.keySet());
    }

    boolean has(String name) {
        return byName.containsKey(name);
    }

    /**
     * The factories {@code auto} chooses among, in the order it tries them: those of priority 0
     * and above, highest first, then in {@link #names()} order. Two of one name are refused as
     * {@link #require} refuses them.
     */
    List<RuntimeFactory> forAuto() {
        return byName.entrySet().stream()
                .filter(named -> named.getValue().stream().anyMatch(f -> f.priority() >= 0))
                .map(named -> require(named.getKey()))
                .sorted(java.util.Comparator.comparingInt(RuntimeFactory::priority).reversed()).toList();
    }

    /** The one factory named {@code name}. */
    RuntimeFactory require(String name) {
        List<RuntimeFactory> factories = byName.get(name);
        if (factories == null) {
            String module = OWN_MODULES.get(name);
            throw new InvalidSpecException("runtime '" + Names.printable(name) + "' is not available. Allowed: "
                    + names() + " or " + Runtimes.AUTO + (module == null ? "" : ". Add " + module + " for it"));
        }
        if (factories.size() > 1) {
            throw new InvalidSpecException("runtime '" + name + "' is offered by more than one factory: "
                    + factories.stream().map(f -> f.getClass().getName()).toList() + ". Keep one of their modules.");
        }
        return factories.get(0);
    }
}
