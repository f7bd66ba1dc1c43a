package dev.addons.core.runtime;

import dev.addons.core.internal.DataFiles;
import dev.addons.core.internal.Names;

/**
 * The checks addons applies to what it hands a {@link ServerRuntime}, for a runtime of another
 * module to apply again where a bad value would reach a file path or a container's name: a server
 * id names directories, containers and volumes; a data file names a path inside a server's data.
 * Stateless.
 *
 * @since 0.2
 */
public final class RuntimeChecks {
    private RuntimeChecks() {
    }

    /**
     * Checks a server id: lower-case letters, digits, {@code .} and {@code -}, starting with a
     * letter or digit, at most 101 characters; returns it. Throws
     * {@link IllegalArgumentException}: ids come from addons itself, not from users.
     */
    public static String serverId(String serverId) {
        return Names.requireServerId(serverId);
    }

    /**
     * Checks a path a provider names inside a server's data directory: segments of letters,
     * digits, {@code .}, {@code _} and {@code -}, none starting with a dot (so no {@code ..}),
     * separated by {@code /}; returns it. Throws {@link dev.addons.api.InvalidSpecException}
     * naming the path.
     */
    public static String dataFile(String relativePath) {
        return DataFiles.check(relativePath);
    }
}
