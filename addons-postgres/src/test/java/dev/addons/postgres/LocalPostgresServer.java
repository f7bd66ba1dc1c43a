package dev.addons.postgres;

import com.sun.security.auth.module.UnixSystem;
import dev.addons.api.Endpoint;
import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.ProcessRecipe;
import dev.addons.api.spi.Secrets;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.api.spi.ServerRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.opentest4j.TestAbortedException;

/**
 * Test-only stand-in for the process runtime: runs the provider's own {@link ProcessRecipe} in a
 * temporary directory on a free 127.0.0.1 port and waits for the provider's own readiness check.
 * Binaries come from the recipe's host search path, or from the directory in the system property
 * {@code addons.test.postgres.bin} (e.g. unpacked zonky binaries of another major version). As
 * root, every command runs in a user namespace ({@code unshare -U}), as PostgreSQL refuses root.
 * {@link #close()} stops the server with SIGINT and deletes the directory.
 */
final class LocalPostgresServer implements AutoCloseable {

    private final Path directory;
    private final ProcessRecipe recipe;
    private final ServerAccess access;
    private final Process process;
    final long initMillis;
    final long readyMillis;

    private LocalPostgresServer(Path directory, ProcessRecipe recipe, ServerAccess access, Process process,
            long initMillis, long readyMillis) {
        this.directory = directory;
        this.recipe = recipe;
        this.access = access;
        this.process = process;
        this.initMillis = initMillis;
        this.readyMillis = readyMillis;
    }

    /** Initializes and starts a server of {@code version}; aborts the test when no binaries are found. */
    static LocalPostgresServer start(PostgresProvider provider, String version) throws Exception {
        ServerDefinition definition = provider.server(new ServerRequest(version, Secrets.password()));
        ProcessRecipe recipe = definition.processRecipe().orElseThrow();
        Path bin = binDirectory(recipe);
        Path directory = Files.createTempDirectory("addons-pg");
        Process process = null;
        try {
            TempDirProcessContext context = new TempDirProcessContext(bin, directory,
                    new Endpoint("127.0.0.1", freePort()), LocalPostgresServer::runAsServerUser);
            Files.createDirectory(context.dataDirectory(), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            Files.createDirectory(context.runDirectory());
            long started = System.nanoTime();
            recipe.initializer().initialize(context);
            long initialized = System.nanoTime();
            process = new ProcessBuilder(asServerUser(recipe.launcher().command(context)))
                    .redirectErrorStream(true)
                    .redirectOutput(directory.resolve("server.log").toFile())
                    .start();
            ServerAccess access = new ServerAccess("test", context.endpoint(), definition.adminUser(),
                    definition.adminPassword());
            awaitReady(definition, access, process, initialized + definition.startTimeout().toNanos());
            return new LocalPostgresServer(directory, recipe, access, process, (initialized - started) / 1_000_000,
                    (System.nanoTime() - initialized) / 1_000_000);
        } catch (Exception | AssertionError e) {
            if (process != null) {
                process.destroyForcibly().waitFor();
                e.addSuppressed(new Exception("server log:\n" + Files.readString(directory.resolve("server.log"))));
            }
            deleteRecursively(directory);
            throw e;
        }
    }

    /** Polls the provider's readiness check until it passes, the server dies or the deadline passes. */
    private static void awaitReady(ServerDefinition definition, ServerAccess access, Process process, long deadline)
            throws InterruptedException {
        while (true) {
            try {
                definition.readiness().check(access);
                return;
            } catch (Exception notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("PostgreSQL did not become ready: " + notYet, notYet);
                }
                TimeUnit.MILLISECONDS.sleep(10); // the poll interval; a refused connection fails at once
            }
        }
    }

    ServerAccess access() {
        return access;
    }

    /** The server's process and any process it started that is still running. */
    List<ProcessHandle> processes() {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(process.toHandle());
        process.descendants().forEach(all::add);
        return all;
    }

    @Override
    public void close() throws IOException {
        try {
            if (process.isAlive()) {
                new ProcessBuilder("kill", "-" + recipe.stopSignal().name(), Long.toString(process.pid()))
                        .inheritIO().start().waitFor();
                if (!process.waitFor(recipe.stopTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            deleteRecursively(directory);
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    private static Path binDirectory(ProcessRecipe recipe) {
        String override = System.getProperty("addons.test.postgres.bin");
        List<Path> candidates = override != null ? List.of(Path.of(override)) : recipe.binaries().hostSearchPath();
        return candidates.stream()
                .filter(dir -> recipe.binaries().requiredBinaries().stream()
                        .allMatch(name -> Files.isExecutable(dir.resolve(name))))
                .findFirst()
                .orElseThrow(() -> new TestAbortedException("no PostgreSQL binaries in " + candidates
                        + "; install postgresql-15 or set -Daddons.test.postgres.bin"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** PostgreSQL refuses to run as root: as root, run it in a user namespace of its own. */
    private static List<String> asServerUser(List<String> command) {
        if (new UnixSystem().getUid() != 0) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("unshare", "-U"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Runs a helper command to completion as the server's user; fails with its output. */
    private static void runAsServerUser(List<String> command) throws IOException, InterruptedException {
        Process helper = new ProcessBuilder(asServerUser(command)).redirectErrorStream(true).start();
        String output = new String(helper.getInputStream().readAllBytes());
        if (helper.waitFor() != 0) {
            throw new ProvisioningException(command.get(0) + " exited with " + helper.exitValue() + ": " + output);
        }
    }
}
