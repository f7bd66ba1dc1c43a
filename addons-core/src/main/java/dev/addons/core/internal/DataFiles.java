package dev.addons.core.internal;

import dev.addons.api.InvalidSpecException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Checks of a path a provider names inside a server's data directory. Stateless. */
public final class DataFiles {
    private static final Pattern RELATIVE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*");

    private DataFiles() {
    }

    /**
     * Checks {@code relativePath}: segments of letters, digits, {@code . _ -}, none starting with a
     * dot (so no {@code ..}), separated by {@code /}; returns it.
     */
    public static String check(String relativePath) {
        if (relativePath == null || !RELATIVE.matcher(relativePath).matches()) {
            throw new InvalidSpecException("data file '" + Names.printable(String.valueOf(relativePath))
                    + "' is not a plain relative path inside the data directory (segments of letters, digits, "
                    + "'.', '_' and '-', none starting with '.')");
        }
        return relativePath;
    }

    /** {@code relativePath}, checked, inside {@code directory}. */
    public static Path resolve(Path directory, String relativePath) {
        return directory.resolve(check(relativePath)).normalize();
    }
}
