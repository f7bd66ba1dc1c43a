package dev.addons.core.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Checks a directory addons keeps its own files in (the home, its state, the binary cache) before
 * trusting what it holds: it must belong to the user this JVM runs as and be writable by no one
 * else, or another user could plant state, passwords or binaries that addons would then use. The
 * others' execute bit is fine (engines pass through the home and the cache that way, see the
 * process runtime's engine user); their write bit is not. A link is judged by what it points to.
 * Stateless.
 */
public final class TrustedDirectory {
    private TrustedDirectory() {
    }

    /**
     * Why {@code dir} (an existing directory) cannot be trusted, as a sentence naming it as
     * {@code what} (e.g. "The addons home"), its owner and mode and what to do; empty when it can.
     */
    public static Optional<String> whyNot(Path dir, String what) throws IOException {
        int owner = (Integer) Files.getAttribute(dir, "unix:uid");
        int mode = (Integer) Files.getAttribute(dir, "unix:mode") & 07777;
        long self = EffectiveUser.uid();
        String name = ownerName(dir);
        if (owner != self) {
            return Optional.of(what + " " + dir + " belongs to " + name + " (uid " + owner + ", mode "
                    + octal(mode) + "), not to uid " + self + " that addons runs as: what it holds decides what "
                    + "addons runs and reads, so it must be yours. Use one of your own, or make it yours: chown -R "
                    + self + " " + dir);
        }
        if ((mode & 022) != 0) {
            String writers = (mode & 022) == 022 ? "its group and others" : (mode & 020) != 0 ? "its group" : "others";
            return Optional.of(what + " " + dir + " (owner " + name + ", mode " + octal(mode) + ") is writable by "
                    + writers + ", who could change what addons runs and reads. Make it yours alone: chmod go-w "
                    + dir);
        }
        return Optional.empty();
    }

    private static String octal(int mode) {
        return String.format("%04o", mode);
    }

    private static String ownerName(Path dir) {
        try {
            return Files.getOwner(dir).getName();
        } catch (IOException | UnsupportedOperationException e) {
            return "another user";
        }
    }
}
