package dev.addons.core.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Who this JVM runs as. Stateless. */
public final class EffectiveUser {
    private static final Logger LOG = LoggerFactory.getLogger(EffectiveUser.class);

    private EffectiveUser() {
    }

    /** The effective uid from {@code /proc/self/status}: no process to spawn, no JDK-internal API. */
    public static long uid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Cannot read the uid from /proc/self/status, judging by user.name", e);
        }
        return "root".equals(System.getProperty("user.name")) ? 0 : -1;
    }

    /** Whether this JVM runs as root. */
    public static boolean isRoot() {
        return uid() == 0;
    }
}
