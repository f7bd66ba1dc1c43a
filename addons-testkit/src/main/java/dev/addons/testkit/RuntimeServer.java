package dev.addons.testkit;

import dev.addons.api.Endpoint;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.Secrets;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.api.spi.ServerRequest;
import dev.addons.api.spi.ServerTools;
import dev.addons.container.ContainerRuntime;
import dev.addons.core.internal.process.ProcessRuntime;
import dev.addons.core.runtime.DataFileNotReplacedException;
import dev.addons.core.runtime.Placement;
import dev.addons.core.runtime.ProgressListener;
import dev.addons.core.runtime.RunningServer;
import dev.addons.core.runtime.ServerRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One server a provider describes, run by a real runtime ({@code process} or {@code container})
 * in a home of its own, and the {@link ServerTools} addons would hand the provider for it: the
 * runtime's {@code exec} and {@code replaceDataFile}, the server's record updated after a
 * replacement: what an engine module's tests need to drive its provider's backups and restores
 * below the facade. {@link #close()} destroys the server and deletes the home, as does a start
 * that fails. Not thread-safe.
 */
public final class RuntimeServer implements ServerTools, AutoCloseable {
    private final Path home;
    private final ServerRuntime runtime;
    private final ServerDefinition definition;
    private RunningServer running;

    private RuntimeServer(Path home, ServerRuntime runtime, ServerDefinition definition, RunningServer running) {
        this.home = home;
        this.runtime = runtime;
        this.definition = definition;
        this.running = running;
    }

    /**
     * {@code provider}'s server on the runtime {@code runtimeName}, of {@code version}, as a
     * dedicated server of {@code app}. A missing Docker-API endpoint aborts the test, except on CI.
     */
    public static RuntimeServer start(AddonProvider provider, String runtimeName, String version, String app)
            throws IOException {
        Path home = Files.createTempDirectory("addons-" + provider.descriptor().name() + "-" + runtimeName);
        ServerRuntime runtime = null;
        try {
            runtime = runtime(runtimeName, home);
            ServerDefinition definition = provider.server(
                    ServerRequest.builder(version).adminPassword(Secrets.password()).build());
            long begin = System.nanoTime();
            RunningServer running = runtime.start(provider.descriptor().name() + "-" + app, definition,
                    Placement.dedicated(app, "test", provider.descriptor().name()), ProgressListener.NONE);
            System.out.printf("%s %s on the %s runtime started and ready in %d ms%n", provider.descriptor().name(), version,
                    runtimeName, (System.nanoTime() - begin) / 1_000_000);
            return new RuntimeServer(home, runtime, definition, running);
        } catch (RuntimeException | Error e) {
            if (runtime != null) {
                runtime.close();
            }
            TestFiles.deleteRecursively(home);
            throw e;
        }
    }

    /** {@code provider}'s server of {@code version} on the process runtime. */
    public static RuntimeServer onProcess(AddonProvider provider, String version) throws IOException {
        return start(provider, ProcessRuntime.NAME, version, "backup-test");
    }

    /** {@code provider}'s server from {@code image} on the container runtime. */
    public static RuntimeServer onContainer(AddonProvider provider, String image) throws IOException {
        return start(provider, ContainerRuntime.NAME, image, "backup-test");
    }

    private static ServerRuntime runtime(String name, Path home) {
        if (name.equals(ProcessRuntime.NAME)) {
            return new ProcessRuntime(home);
        }
        return new ContainerRuntime(home, ContainerRuntimeUnderTest.connectOrAbort());
    }

    /** How the provider reaches the server as its administrator now. */
    public ServerAccess access() {
        return new ServerAccess(running.serverId(), running.endpoint(), definition.adminUser(),
                definition.adminPassword(), running.extraEndpoints());
    }

    /** The server as its runtime records it now. */
    public RunningServer running() {
        return running;
    }

    public boolean isRunning() {
        return runtime.isRunning(running);
    }

    /** The tools addons would hand the provider for this server: this. */
    public ServerTools tools() {
        return this;
    }

    @Override
    public Endpoint endpoint() {
        return runtime.toolEndpoint(running, definition);
    }

    @Override
    public void run(List<String> command, Map<String, String> environment, InputStream stdin, OutputStream stdout) {
        runtime.exec(running, definition, command, environment, stdin, stdout);
    }

    @Override
    public void replaceDataFile(String relativePath, InputStream content) {
        try {
            running = runtime.replaceDataFile(running, definition, relativePath, content, ProgressListener.NONE);
        } catch (DataFileNotReplacedException e) {
            running = e.server();
            throw e;
        }
    }

    @Override
    public java.util.Optional<java.nio.file.Path> dataDirectory() {
        return runtime.dataDirectory(running);
    }

    @Override
    public void replaceDataDirectory(dev.addons.api.spi.ProcessRecipe.Initializer writer) {
        try {
            running = runtime.replaceDataDirectory(running, definition, writer, ProgressListener.NONE);
        } catch (DataFileNotReplacedException e) {
            running = e.server();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            long begin = System.nanoTime();
            runtime.destroy(running);
            System.out.printf("%s destroyed in %d ms%n", running.serverId(), (System.nanoTime() - begin) / 1_000_000);
        } finally {
            runtime.close();
            TestFiles.deleteRecursively(home);
        }
    }
}
