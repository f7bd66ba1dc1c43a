package dev.addons.postgres;

import dev.addons.api.Endpoint;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.Secrets;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.api.spi.ServerRequest;
import dev.addons.api.spi.ServerTools;
import dev.addons.core.internal.container.ContainerRuntime;
import dev.addons.core.internal.container.DockerApi;
import dev.addons.core.internal.process.ProcessRuntime;
import dev.addons.core.runtime.ProgressListener;
import dev.addons.core.runtime.RunningServer;
import dev.addons.core.runtime.ServerRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A server a provider describes, run by a real runtime (process or container) in a home of its
 * own, with the {@link ServerTools} that runtime gives providers: for driving backup and restore
 * without the facade. {@link #close()} destroys the server and deletes the home, as does a start
 * that fails. Not thread-safe.
 */
final class ServerWithTools implements AutoCloseable {
    private final Path home;
    private final ServerRuntime runtime;
    private final ServerDefinition definition;
    private final RunningServer running;
    private final ServerAccess access;

    private ServerWithTools(Path home, ServerRuntime runtime, ServerDefinition definition, RunningServer running) {
        this.home = home;
        this.runtime = runtime;
        this.definition = definition;
        this.running = running;
        this.access = new ServerAccess(running.serverId(), running.endpoint(), definition.adminUser(),
                definition.adminPassword(), running.extraEndpoints());
    }

    /** {@code provider}'s server of {@code version} on the process runtime. */
    static ServerWithTools onProcess(AddonProvider provider, String version) throws IOException {
        Path home = Files.createTempDirectory("addons-" + provider.name());
        try {
            return start(provider, version, home, new ProcessRuntime(home));
        } catch (RuntimeException | Error e) {
            deleteRecursively(home);
            throw e;
        }
    }

    /** {@code provider}'s server from {@code image} on the container runtime (Podman's Docker API here). */
    static ServerWithTools onContainer(AddonProvider provider, String image) throws IOException {
        Path home = Files.createTempDirectory("addons-" + provider.name());
        try {
            DockerApi docker = DockerApi.connect(DockerApi.DEFAULT_TIMEOUT);
            return start(provider, image, home, new ContainerRuntime(home, docker));
        } catch (RuntimeException | Error e) {
            deleteRecursively(home);
            throw e;
        }
    }

    private static ServerWithTools start(AddonProvider provider, String version, Path home, ServerRuntime runtime)
            throws IOException {
        try {
            ServerDefinition definition = provider.server(new ServerRequest(version, Secrets.password()));
            long begin = System.nanoTime();
            RunningServer running = runtime.start("backup-test", definition, ProgressListener.NONE);
            System.out.printf("%s %s on the %s runtime started in %d ms%n", provider.name(), version, runtime.name(),
                    (System.nanoTime() - begin) / 1_000_000);
            return new ServerWithTools(home, runtime, definition, running);
        } catch (RuntimeException | Error e) {
            runtime.close();
            deleteRecursively(home);
            throw e;
        }
    }

    /** How the provider reaches the server as its administrator. */
    ServerAccess access() {
        return access;
    }

    /** The tools the runtime runs next to the server. */
    ServerTools tools() {
        return new ServerTools() {
            @Override
            public Endpoint endpoint() {
                return runtime.toolEndpoint(running, definition);
            }

            @Override
            public void run(List<String> command, Map<String, String> environment, InputStream stdin,
                    OutputStream stdout) {
                runtime.exec(running, definition, command, environment, stdin, stdout);
            }

            @Override
            public void replaceDataFile(String relativePath, InputStream content) {
                throw new UnsupportedOperationException("not needed by SQL backups");
            }
        };
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
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
