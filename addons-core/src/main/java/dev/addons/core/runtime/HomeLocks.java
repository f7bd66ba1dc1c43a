package dev.addons.core.runtime;

import dev.addons.api.AddonException;
import dev.addons.core.internal.HomeLock;
import dev.addons.core.internal.PrivateFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Named locks of an addons home, for what a runtime of another module shares between the servers
 * of one home (the container runtime's networks, made with the first container on them and
 * removed with the last): mutual exclusion across the threads and processes working on the home,
 * re-entrant within a thread. The lock files are owner-only, in the home's {@code state/locks},
 * beside addons' own. Stateless; thread-safe.
 *
 * @since 0.2
 */
public final class HomeLocks {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,150}");

    private HomeLocks() {
    }

    /**
     * Runs {@code work} holding the lock {@code name} of {@code home} and returns what it returns.
     * The name is the lock file's: letters, digits, {@code .}, {@code _} and {@code -}, starting
     * with a letter or digit ({@link IllegalArgumentException} otherwise). Throws
     * {@link AddonException} when the lock file cannot be made.
     */
    public static <T> T with(Path home, String name, Supplier<T> work) {
        Objects.requireNonNull(home, "home == null");
        Objects.requireNonNull(work, "work == null");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("lock name must match " + NAME + ": '" + name + "'");
        }
        Path locks = home.resolve("state").resolve("locks");
        try {
            PrivateFiles.directory(locks);
        } catch (IOException e) {
            throw new AddonException("Cannot create " + locks + ": " + e.getMessage(), e);
        }
        return HomeLock.with(locks.resolve(name + ".lock"), work);
    }
}
