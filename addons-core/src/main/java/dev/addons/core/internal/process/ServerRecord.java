package dev.addons.core.internal.process;

import dev.addons.api.spi.ProcessRecipe.StopSignal;
import dev.addons.core.internal.ProcessIdentity;
import dev.addons.core.runtime.RunningServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What the process runtime records of a started server in {@link RunningServer#attributes()}
 * (see the attribute names on {@link ProcessRuntime}), read back with the checks a persisted,
 * possibly stale or edited record needs: the pid counts only with its start time, and the
 * directory must be a server directory named after the server, or a warm server's it became.
 *
 * @param serverId    the server's id
 * @param pid         the engine's pid
 * @param pidStart    the engine's start time in epoch milliseconds
 * @param directories the server's files
 * @param stopSignal  the signal that stops it
 * @param stopTimeout how long to wait after that signal before killing it
 * @param destroySignal the signal that stops it when it is destroyed (a record written before there
 *                    was one says none: then {@code stopSignal})
 * @param identity    the engine's {@link ProcessIdentity} (boot id and start in clock ticks);
 *                    {@code null} in a record written before there was one
 */
record ServerRecord(
        String serverId, long pid, long pidStart, ServerDirectories directories, StopSignal stopSignal,
        Duration stopTimeout, StopSignal destroySignal, ProcessIdentity identity) {

    /** The record of a server started from {@code recipe}. */
    ServerRecord(String serverId, long pid, long pidStart, ServerDirectories directories,
            dev.addons.api.spi.ProcessRecipe recipe) {
        this(serverId, pid, pidStart, directories, recipe.stopSignal(), recipe.stopTimeout(), recipe.destroySignal(),
                ProcessIdentity.of(pid).orElse(null));
    }

    Map<String, String> attributes() {
        Map<String, String> attributes = new java.util.HashMap<>(Map.of(
                ProcessRuntime.DESTROY_SIGNAL, destroySignal.name(),
                ProcessRuntime.PID, Long.toString(pid),
                ProcessRuntime.PID_START, Long.toString(pidStart),
                ProcessRuntime.DIRECTORY, directories.root().toString(),
                ProcessRuntime.STOP_SIGNAL, stopSignal.name(),
                ProcessRuntime.STOP_TIMEOUT_MILLIS, Long.toString(stopTimeout.toMillis())));
        if (identity != null) {
            attributes.put(ProcessRuntime.PID_TICKS, Long.toString(identity.startTicks()));
            attributes.put(ProcessRuntime.PID_BOOT, identity.bootId());
        }
        return attributes;
    }

    /** The engine as recorded. */
    EngineProcess engine() {
        return new EngineProcess(pid, pidStart, identity);
    }

    /** The engine process, when the one recorded is still running (not another that reused its pid). */
    Optional<ProcessHandle> process() {
        return engine().find();
    }

    /** Reads {@code server}'s attributes; throws {@link IllegalArgumentException} when they are not ours. */
    static ServerRecord of(RunningServer server) {
        if (!ProcessRuntime.NAME.equals(server.runtime())) {
            throw new IllegalArgumentException("server " + server.serverId() + " belongs to the " + server.runtime()
                    + " runtime, not to the " + ProcessRuntime.NAME + " runtime");
        }
        Path directory = Path.of(server.attribute(ProcessRuntime.DIRECTORY)).toAbsolutePath().normalize();
        Path parent = directory.getParent();
        // Destroy deletes this directory: a wrong attribute must never point it anywhere else. A server
        // that was a warm one keeps the warm server's directory (see WarmServers).
        String name = directory.getFileName().toString();
        if (!(name.equals(server.serverId()) || WarmServers.ID.matcher(name).matches()) || parent == null
                || !parent.getFileName().toString().equals("servers")) {
            throw new IllegalArgumentException("server " + server.serverId() + " has a directory attribute that "
                    + "is not its server directory: " + directory);
        }
        long pid = number(server, ProcessRuntime.PID);
        ProcessIdentity identity = server.attributes().containsKey(ProcessRuntime.PID_BOOT)
                ? new ProcessIdentity(pid, number(server, ProcessRuntime.PID_TICKS),
                        server.attribute(ProcessRuntime.PID_BOOT))
                : null;
        return new ServerRecord(server.serverId(), pid,
                number(server, ProcessRuntime.PID_START), new ServerDirectories(directory),
                StopSignal.valueOf(server.attribute(ProcessRuntime.STOP_SIGNAL)),
                Duration.ofMillis(number(server, ProcessRuntime.STOP_TIMEOUT_MILLIS)),
                server.attributes().containsKey(ProcessRuntime.DESTROY_SIGNAL)
                        ? StopSignal.valueOf(server.attribute(ProcessRuntime.DESTROY_SIGNAL))
                        : StopSignal.valueOf(server.attribute(ProcessRuntime.STOP_SIGNAL)),
                identity);
    }

    private static long number(RunningServer server, String key) {
        try {
            return Long.parseLong(server.attribute(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("server " + server.serverId() + " has a malformed '" + key
                    + "' attribute: " + server.attribute(key), e);
        }
    }
}
