package dev.addons.postgres;

import dev.addons.api.UnsupportedOperationAddonException;
import dev.addons.api.spi.ServerTools;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which {@code pg_dump} and {@code pg_restore} serve a server: its own binaries' (every
 * container, Debian's PostgreSQL 15), else the host's of the nearest newer major version
 * ({@code /usr/lib/postgresql/<major>/bin}), since both serve servers older than themselves. So
 * the process runtime's PostgreSQL 14, fetched from Maven Central without client tools, is dumped
 * and loaded with Debian's 15; 16 to 18 have no newer tools on Debian 12 and none of their own.
 * Stateless.
 */
final class PostgresTools {
    /** Beyond any PostgreSQL there is: the search for a newer host major stops here. */
    private static final int LAST_MAJOR = 40;

    private PostgresTools() {
    }

    /** The command for {@code tool} on this server; empty when neither its binaries nor the host's newer ones have it. */
    static Optional<String> find(ServerTools tools, String tool) {
        if (runs(tools, tool)) {
            return Optional.of(tool);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int major;
        try {
            // "postgres (PostgreSQL) 14.19": the server's own binary says its major version.
            tools.run(List.of("postgres", "--version"), Map.of(), null, out);
            java.util.regex.Matcher version = java.util.regex.Pattern.compile("\\) (\\d+)").matcher(out.toString());
            if (!version.find()) {
                return Optional.empty();
            }
            major = Integer.parseInt(version.group(1));
        } catch (dev.addons.api.AddonException e) {
            return Optional.empty();
        }
        for (int newer = major + 1; newer <= LAST_MAJOR; newer++) {
            Path candidate = Path.of("/usr/lib/postgresql", Integer.toString(newer), "bin", tool);
            if (Files.isExecutable(candidate) && runs(tools, candidate.toString())) {
                return Optional.of(candidate.toString());
            }
        }
        return Optional.empty();
    }

    /** Whether this host has {@code tool} of PostgreSQL {@code major} or a newer one ({@code /usr/lib/postgresql/<m>/bin}). */
    static boolean hostHasFor(int major, String tool) {
        for (int m = major; m <= LAST_MAJOR; m++) {
            if (Files.isExecutable(Path.of("/usr/lib/postgresql", Integer.toString(m), "bin", tool))) {
                return true;
            }
        }
        return false;
    }

    /** {@link #find}, or {@code tool} itself, whose run then fails naming what is missing. */
    static String command(ServerTools tools, String tool) {
        return find(tools, tool).orElse(tool);
    }

    private static boolean runs(ServerTools tools, String command) {
        try {
            tools.run(List.of(command, "--version"), Map.of(), null, OutputStream.nullOutputStream());
            return true;
        } catch (UnsupportedOperationAddonException e) {
            return false;
        }
    }
}
