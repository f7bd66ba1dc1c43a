package dev.addons.redis;

import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.Secrets;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.api.spi.ServerRequest;
import dev.addons.core.internal.process.ProcessRuntime;
import dev.addons.core.runtime.ProgressListener;
import dev.addons.core.runtime.RunningServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One server a provider describes, run by the real process runtime in a temporary home.
 * {@link #close()} destroys it and deletes the home.
 */
final class RuntimeServer implements AutoCloseable {
    private final Path home;
    private final ProcessRuntime runtime;
    private final RunningServer running;
    private final ServerAccess access;

    private RuntimeServer(Path home, ProcessRuntime runtime, RunningServer running, ServerAccess access) {
        this.home = home;
        this.runtime = runtime;
        this.running = running;
        this.access = access;
    }

    static RuntimeServer start(AddonProvider provider, String version) throws IOException {
        Path home = Files.createTempDirectory("addons-" + provider.name());
        ProcessRuntime runtime = new ProcessRuntime(home);
        try {
            ServerDefinition definition = provider.server(new ServerRequest(version, Secrets.password()));
            RunningServer running = runtime.start("provider-test", definition, ProgressListener.NONE);
            return new RuntimeServer(home, runtime, running, new ServerAccess(running.serverId(),
                    running.endpoint(), definition.adminUser(), definition.adminPassword()));
        } catch (RuntimeException e) {
            runtime.close();
            deleteRecursively(home);
            throw e;
        }
    }

    ServerAccess access() {
        return access;
    }

    /** The server's directory, holding {@code data/}, {@code run/} and {@code server.log}. */
    Path directory() {
        return Path.of(running.attribute(ProcessRuntime.DIRECTORY));
    }

    long pid() {
        return Long.parseLong(running.attribute(ProcessRuntime.PID));
    }

    @Override
    public void close() throws IOException {
        try {
            runtime.destroy(running);
        } finally {
            runtime.close();
            deleteRecursively(home);
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
