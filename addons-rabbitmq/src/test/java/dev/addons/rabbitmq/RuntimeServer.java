package dev.addons.rabbitmq;

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
import java.util.List;
import java.util.stream.Stream;

/**
 * One RabbitMQ node the provider describes, run by the real process runtime in a temporary home.
 * {@link #close()} destroys it and deletes the home; a start that fails leaves no home behind.
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

    static RuntimeServer start(RabbitMqProvider provider, String version) throws IOException {
        Path home = Files.createTempDirectory("addons-rabbitmq");
        ProcessRuntime runtime = new ProcessRuntime(home);
        try {
            ServerDefinition definition = provider.server(new ServerRequest(version, Secrets.password()));
            long begin = System.nanoTime();
            RunningServer running = runtime.start("provider-test", definition, ProgressListener.NONE);
            System.out.printf("RabbitMQ %s node started and ready in %d ms%n", version,
                    (System.nanoTime() - begin) / 1_000_000);
            return new RuntimeServer(home, runtime, running, new ServerAccess(running.serverId(),
                    running.endpoint(), definition.adminUser(), definition.adminPassword(), running.extraEndpoints()));
        } catch (RuntimeException e) {
            runtime.close();
            deleteRecursively(home);
            throw e;
        }
    }

    ServerAccess access() {
        return access;
    }

    /** The server's directory, which every process of the node names in its command line or environment. */
    Path directory() {
        return Path.of(running.attribute(ProcessRuntime.DIRECTORY));
    }

    /** The node's processes: the main one and all it started. */
    List<ProcessHandle> processes() {
        return ProcessHandle.of(Long.parseLong(running.attribute(ProcessRuntime.PID)))
                .map(p -> Stream.concat(Stream.of(p), p.descendants()).toList())
                .orElse(List.of());
    }

    @Override
    public void close() throws IOException {
        try {
            long begin = System.nanoTime();
            runtime.destroy(running);
            System.out.printf("RabbitMQ node destroyed in %d ms%n", (System.nanoTime() - begin) / 1_000_000);
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
