package dev.addons.core;

import java.util.Objects;

/**
 * A pool of warm servers of the process runtime: servers of one engine's version started ahead,
 * each of which a new server of that engine and version becomes by getting its own admin password
 * instead of being started (runtime setting {@code process.warm}, see the README's "Warm servers").
 * Holds no secret.
 *
 * @param engine  the engine, e.g. {@code postgresql}
 * @param version its version
 * @param size    how many the settings keep
 * @param ready   how many are running and unclaimed now
 * @since 0.4
 */
public record WarmPool(String engine, String version, int size, int ready) {
    public WarmPool {
        Objects.requireNonNull(engine, "engine == null");
        Objects.requireNonNull(version, "version == null");
    }
}
