package dev.addons.core.internal.process;

import dev.addons.api.Endpoint;
import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.BinaryDistribution;
import dev.addons.api.spi.ProcessContext;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ProcessContext} of one start: the resolved binaries, the server's directories and
 * port, and engine commands run as the {@link EngineUser} with the distribution's libraries found,
 * their output appended to {@code server.log} and their input empty unless given. Also launches the server
 * itself, detached. Before each command the server's directories become the engine user's, with
 * whatever the provider wrote into them itself. Used by one start at a time.
 */
final class DefaultProcessContext implements ProcessContext {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultProcessContext.class);
    private static final int OUTPUT_LINES = 20;

    private final String serverId;
    private final ResolvedBinaries binaries;
    private final ServerDirectories directories;
    private final Endpoint endpoint;
    private final Map<String, Endpoint> extraPorts;
    private final EngineUser user;
    private final Duration commandTimeout;

    DefaultProcessContext(String serverId, ResolvedBinaries binaries, ServerDirectories directories,
            Endpoint endpoint, Map<String, Endpoint> extraPorts, EngineUser user, Duration commandTimeout) {
        this.serverId = serverId;
        this.binaries = binaries;
        this.directories = directories;
        this.endpoint = endpoint;
        this.extraPorts = Map.copyOf(extraPorts);
        this.user = user;
        this.commandTimeout = commandTimeout;
    }

    @Override
    public Path binary(String name) {
        return binaries.binary(name);
    }

    @Override
    public BinaryDistribution distribution() {
        return binaries.distribution();
    }

    @Override
    public Path dataDirectory() {
        return directories.data();
    }

    @Override
    public Path runDirectory() {
        return directories.run();
    }

    @Override
    public Endpoint endpoint(String portName) {
        Endpoint extra = extraPorts.get(portName);
        if (extra == null) {
            throw new IllegalArgumentException("the recipe declared no extra port named '" + portName + "'; it has "
                    + new java.util.TreeSet<>(extraPorts.keySet()));
        }
        return extra;
    }

    @Override
    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public Path writePrivateFile(String name, String content) throws IOException {
        LOG.debug("{} - Writing private file {}", serverId, name);
        Path file = directories.writePrivateFile(name, content);
        user.own(file);
        return file;
    }

    @Override
    public void run(List<String> command) throws IOException, InterruptedException {
        run(command, null);
    }

    @Override
    public void run(List<String> command, String input) throws IOException, InterruptedException {
        String name = Path.of(command.get(0)).getFileName().toString();
        LOG.debug("{} - Running {}", serverId, name);
        long mark = LogTail.mark(directories.log());
        // What the provider wrote itself (e.g. files unpacked into the data directory) is the engine user's too.
        user.own(directories.root());
        ProcessBuilder builder = builder(user.wrap(command));
        if (input != null) {
            builder.redirectInput(ProcessBuilder.Redirect.PIPE);
        }
        Process process = builder.start();
        // Recorded like the engine, so that a reconcile stops it should this JVM die meanwhile.
        directories.recordEngine(process.pid(), ProcessControl.startMillis(process.toHandle()));
        if (input != null) {
            feed(process, input);
        }
        if (!process.waitFor(commandTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
            ProcessControl.killTree(process.toHandle());
            throw new ProvisioningException(name + " did not finish within " + commandTimeout + "\n"
                    + LogTail.lastLines(directories.log(), mark, OUTPUT_LINES));
        }
        if (process.exitValue() != 0) {
            throw new ProvisioningException(name + " exited with status " + process.exitValue() + "\n"
                    + LogTail.lastLines(directories.log(), mark, OUTPUT_LINES));
        }
    }

    /**
     * Writes {@code input} to the command's standard input and closes it. Its output goes to the
     * log, not to a pipe, so the write cannot wait on this thread reading; a command that exits
     * before reading it all is reported by its exit status, not by the broken pipe.
     */
    private static void feed(Process process, String input) throws IOException, InterruptedException {
        try (OutputStream in = process.getOutputStream()) {
            in.write(input.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            if (process.isAlive()) {
                ProcessControl.killTree(process.toHandle());
                throw e;
            }
            LOG.debug("The command exited before reading all its input", e);
        }
    }

    /**
     * Starts {@code command} as the server: in a session of its own ({@code setsid}), so that it
     * outlives this JVM and a terminal's Ctrl-C does not reach it. {@code setsid} and
     * {@code setpriv} both exec, so the launched process's pid is the engine's. With
     * {@code detached}, the server is no child of this JVM ({@link Detached}): for a JVM that
     * exits right after its command, which would otherwise wait up to 300 ms on the server's reaper.
     * The server's directory becomes the engine user's first; with {@code dataCopied}, its data
     * directory is a copy of the template that kept the template's owner ({@link EngineUser#own(Path, Path)}).
     */
    Launched launch(List<String> command, boolean detached, boolean dataCopied)
            throws IOException, InterruptedException {
        user.own(directories.root(), dataCopied ? directories.data() : null);
        List<String> inSession = new ArrayList<>();
        inSession.add("setsid");
        inSession.addAll(user.wrap(command));
        LOG.debug("{} - Launching {}{}", serverId, Path.of(command.get(0)).getFileName(), detached ? ", detached" : "");
        if (!detached) {
            Process child = builder(inSession).start();
            return new Launched(child.toHandle(), child);
        }
        return new Launched(Detached.start(builder(inSession), directories.log()).orElse(null), null);
    }

    /**
     * A launched server: its process ({@code null} when a detached one had ended before it could be
     * looked at), and the same as a {@link Process} when it is this JVM's child, which alone learns
     * its exit status.
     */
    record Launched(ProcessHandle process, Process child) {

        /** Why the server is no longer running, or nothing while it runs. */
        Optional<String> whyGone() {
            if (child != null) {
                return child.isAlive() ? Optional.empty() : Optional.of("the server exited with status " + child.exitValue());
            }
            return process != null && ProcessControl.isRunning(process) ? Optional.empty()
                    : Optional.of("the server exited");
        }

        /** Waits up to {@code millis} for the server to exit: returns at once when it does. */
        void awaitExit(long millis) throws InterruptedException {
            if (child != null) {
                child.waitFor(millis, TimeUnit.MILLISECONDS);
            } else if (process != null) {
                ProcessControl.awaitExit(process, Duration.ofMillis(millis));
            }
        }
    }

    private ProcessBuilder builder(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directories.root().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(directories.log().toFile()))
                .redirectErrorStream(true);
        user.environment(builder.environment(), directories.root());
        binaries.libraryDirectoryIfAny().ifPresent(lib -> {
            // Downloaded distributions bring their own libraries; their binaries may not know where.
            String inherited = builder.environment().get("LD_LIBRARY_PATH");
            builder.environment().put("LD_LIBRARY_PATH",
                    inherited == null || inherited.isEmpty() ? lib.toString() : lib + File.pathSeparator + inherited);
        });
        return builder;
    }
}
