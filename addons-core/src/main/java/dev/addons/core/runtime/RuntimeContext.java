package dev.addons.core.runtime;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link RuntimeFactory} is given to make a runtime: the addons home, the cache of fetched
 * binaries, and the runtime settings. A setting named {@code kubernetes.namespace} is taken from
 * {@link dev.addons.core.Addons.Builder#runtimeSetting} when set there, else from the JVM system
 * property {@code addons.kubernetes.namespace} (so that the CLI takes them from
 * {@code JAVA_TOOL_OPTIONS}). Settings hold no secret. Immutable and thread-safe.
 *
 * @param home     the addons home, absolute
 * @param cache    where fetched engine binaries are kept
 * @param settings the settings given to the builder, by name
 * @since 0.1.0
 */
public record RuntimeContext(Path home, Path cache, Map<String, String> settings) {
    /** The prefix of the system properties that settings fall back to. */
    public static final String PROPERTY_PREFIX = "addons.";

    public RuntimeContext {
        Objects.requireNonNull(home, "home == null");
        Objects.requireNonNull(cache, "cache == null");
        settings = Map.copyOf(settings);
    }

    /** The setting {@code name}: the builder's, else the system property {@code addons.<name>}; empty when neither. */
    public Optional<String> setting(String name) {
        Objects.requireNonNull(name, "name == null");
        String value = settings.get(name);
        if (value == null) {
            value = System.getProperty(PROPERTY_PREFIX + name);
        }
        return Optional.ofNullable(value).filter(v -> !v.isBlank());
    }
}
