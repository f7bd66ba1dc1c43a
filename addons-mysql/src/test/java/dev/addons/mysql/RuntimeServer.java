package dev.addons.mysql;

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
 * One MySQL 8 server the provider describes (MariaDB from Debian's package), run by the real
 * process runtime in a home of its own. {@link #close()} destroys it and deletes the home.
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

    static RuntimeServer start(MysqlProvider provider) throws IOException {
        return start(provider, Files.createTempDirectory("addons-mysql"));
    }

    /** A server in {@code home}, which {@link #close()} deletes, as does a start that fails. */
    static RuntimeServer start(MysqlProvider provider, Path home) throws IOException {
        ProcessRuntime runtime = new ProcessRuntime(home);
        try {
            ServerDefinition definition = provider.server(new ServerRequest("8", Secrets.password()));
            long started = System.nanoTime();
            RunningServer running = runtime.start("provider-test", definition, ProgressListener.NONE);
            System.out.printf("starting MySQL 8 (MariaDB) until ready took %d ms%n",
                    (System.nanoTime() - started) / 1_000_000);
            return new RuntimeServer(home, runtime, running, new ServerAccess(running.serverId(),
                    running.endpoint(), definition.adminUser(), definition.adminPassword()));
        } catch (RuntimeException | Error e) {
            runtime.close();
            deleteRecursively(home);
            throw e;
        }
    }

    ServerAccess access() {
        return access;
    }

    /** The server's directory under the temporary home. */
    Path directory() {
        return Path.of(running.attribute(ProcessRuntime.DIRECTORY));
    }

    /** The server's processes: mariadbd and anything it started. */
    List<ProcessHandle> processes() {
        return ProcessHandle.of(Long.parseLong(running.attribute(ProcessRuntime.PID)))
                .map(p -> Stream.concat(Stream.of(p), p.descendants()).toList())
                .orElse(List.of());
    }

    @Override
    public void close() throws IOException {
        try {
            long started = System.nanoTime();
            runtime.destroy(running);
            System.out.printf("destroying the server took %d ms%n", (System.nanoTime() - started) / 1_000_000);
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
