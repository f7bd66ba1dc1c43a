package dev.addons.testkit;

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
import java.util.List;
import java.util.stream.Stream;

/**
 * One server a provider describes, run by the real process runtime in a home of its own, for
 * testing a provider against its engine without the facade. Prints how long start and destroy
 * took. {@link #close()} destroys the server and deletes the home, as does a start that fails.
 * Not thread-safe.
 */
public final class ProviderServer implements AutoCloseable {
    private final Path home;
    private final ProcessRuntime runtime;
    private final RunningServer running;
    private final ServerAccess access;

    private ProviderServer(Path home, ProcessRuntime runtime, RunningServer running, ServerAccess access) {
        this.home = home;
        this.runtime = runtime;
        this.running = running;
        this.access = access;
    }

    /** {@code provider}'s server of {@code version} in a new temporary home. */
    public static ProviderServer start(AddonProvider provider, String version) throws IOException {
        return start(provider, version, Files.createTempDirectory("addons-" + provider.descriptor().name()));
    }

    /** {@code provider}'s server of {@code version} in {@code home}, which {@link #close()} deletes. */
    public static ProviderServer start(AddonProvider provider, String version, Path home) throws IOException {
        ProcessRuntime runtime = new ProcessRuntime(home);
        try {
            ServerDefinition definition = provider.server(
                    ServerRequest.builder(version).adminPassword(Secrets.password()).build());
            long begin = System.nanoTime();
            RunningServer running = runtime.start("provider-test", definition, ProgressListener.NONE);
            System.out.printf("%s %s started and ready in %d ms%n", provider.descriptor().name(), version,
                    (System.nanoTime() - begin) / 1_000_000);
            return new ProviderServer(home, runtime, running, new ServerAccess(running.serverId(),
                    running.endpoint(), definition.adminUser(), definition.adminPassword(), running.extraEndpoints()));
        } catch (RuntimeException | Error e) {
            runtime.close();
            TestFiles.deleteRecursively(home);
            throw e;
        }
    }

    /** How the provider reaches the server as its administrator. */
    public ServerAccess access() {
        return access;
    }

    /** The server's directory, holding {@code data/}, {@code run/} and {@code server.log}. */
    public Path directory() {
        return Path.of(running.attribute(ProcessRuntime.DIRECTORY));
    }

    /** The engine's main process id. */
    public long pid() {
        return Long.parseLong(running.attribute(ProcessRuntime.PID));
    }

    /** The server's processes: the main one and all it started. */
    public List<ProcessHandle> processes() {
        return ProcessHandle.of(pid())
                .map(p -> Stream.concat(Stream.of(p), p.descendants()).toList())
                .orElse(List.of());
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
