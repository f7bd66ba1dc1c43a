package dev.addons.core.internal.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user engine processes run as. Engines such as PostgreSQL refuse to run as root, so when
 * this JVM runs as root every engine command runs inside a new user namespace
 * ({@code unshare -U}): there the engine sees itself as the unprivileged overflow user while the
 * files it makes stay root's, private to root. Otherwise engines run as this JVM's user.
 * {@code unshare} execs the command, so a started process's pid is the engine's own.
 *
 * <p>The whole decision lives here so that another strategy (a dedicated system user) can
 * replace it. Immutable and thread-safe.
 */
final class EngineUser {
    private static final Logger LOG = LoggerFactory.getLogger(EngineUser.class);

    private final String description;
    private final List<String> prefix;

    private EngineUser(String description, List<String> prefix) {
        this.description = description;
        this.prefix = List.copyOf(prefix);
    }

    /** Engines run as this JVM's own user. */
    static EngineUser currentUser() {
        return new EngineUser("the current user", List.of());
    }

    /** Engines run unprivileged inside a user namespace of their own. */
    static EngineUser userNamespace() {
        return new EngineUser("an unprivileged user namespace (unshare -U)", List.of("unshare", "-U"));
    }

    /** The right choice for this JVM: a user namespace when it runs as root. */
    static EngineUser forThisProcess() {
        EngineUser user = effectiveUid() == 0 ? userNamespace() : currentUser();
        LOG.debug("Engine processes run as {}", user);
        return user;
    }

    /** {@code command} as run by this user. */
    List<String> wrap(List<String> command) {
        List<String> wrapped = new ArrayList<>(prefix);
        wrapped.addAll(command);
        return wrapped;
    }

    /** The effective uid from {@code /proc/self/status}: no process to spawn, no JDK-internal API. */
    static long effectiveUid() {
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

    @Override
    public String toString() {
        return description;
    }
}
