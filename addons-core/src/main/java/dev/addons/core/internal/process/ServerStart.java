package dev.addons.core.internal.process;

import dev.addons.api.Endpoint;
import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.DataTemplate;
import dev.addons.api.spi.ProcessRecipe;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.core.internal.PortOwners;
import dev.addons.core.internal.Readiness;
import dev.addons.core.runtime.ProgressListener;
import dev.addons.core.runtime.RunningServer;
import dev.addons.core.runtime.ServerReadiness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt to start a server on a given port: create its directories, initialize them (or,
 * when the recipe offers a {@link dev.addons.api.spi.DataTemplate}, copy the template's data into
 * them), launch the engine detached, wait until its readiness check passes and, on a copy, have
 * the provider give the admin the server's own password in place of the template's. On failure it kills what it
 * launched and deletes the directories before throwing, so nothing is left behind. A restart
 * launches the engine on the directories a former start made and, on failure, keeps them (they
 * hold the data). A readiness check may carry the admin's password, so each one is sent only while
 * whatever listens on the server's ports is the engine's own processes, but for the recipe's
 * {@linkplain ProcessRecipe#helperPorts() helper ports}, on which something must listen, whoever
 * it is (see {@link PortOwners}); another program found listening on one of the others is a
 * {@link PortTaken}, and the check is never sent to it. One use.
 */
final class ServerStart {
    private static final Logger LOG = LoggerFactory.getLogger(ServerStart.class);
    private static final int LOG_TAIL_LINES = 20;

    private final String serverId;
    private final ServerDefinition definition;
    private final ProcessRecipe recipe;
    private final ResolvedBinaries binaries;
    private final ServerDirectories directories;
    private final EngineUser user;
    private final DataTemplates templates;
    /** Whether the server is launched as no child of this JVM (see {@link DefaultProcessContext#launch}). */
    private final boolean detached;
    private final ProgressListener progress;

    ServerStart(String serverId, ServerDefinition definition, ResolvedBinaries binaries,
            ServerDirectories directories, EngineUser user, DataTemplates templates, boolean detached,
            ProgressListener progress) {
        this.serverId = serverId;
        this.definition = definition;
        this.recipe = definition.processRecipe().orElseThrow();
        this.binaries = binaries;
        this.directories = directories;
        this.user = user;
        this.templates = templates;
        this.detached = detached;
        this.progress = progress;
    }

    /**
     * The server exited because another program took one of its ports first, or another program
     * was found on one: worth another try, on other ports in place of those taken.
     */
    static final class PortTaken extends Exception {
        private static final long serialVersionUID = 1L;
        /** The ports found taken; empty when the server's log alone told, so any of them may be. */
        private final Set<Integer> ports;

        PortTaken(int port, Set<Integer> taken) {
            super((taken.isEmpty() ? "port " + port + " or another of the server's ports"
                    : taken.size() == 1 ? "port " + taken.iterator().next() : "ports " + new TreeSet<>(taken))
                    + " was taken by another program", null, false, false);
            this.ports = Set.copyOf(taken);
        }

        /** Found before the readiness check was sent: the other program never got the admin's password. */
        PortTaken(PortOwners.Taken taken) {
            super(taken.getMessage() + "; the readiness check was not sent to it", taken, false, false);
            this.ports = Set.of(taken.port());
        }

        /** Whether {@code port} is to be given up: it was found taken, or the log did not say which one was. */
        boolean took(int port) {
            return ports.isEmpty() || ports.contains(port);
        }
    }

    /**
     * Starts the server on {@code port}, with its extra ports on {@code extraPorts}; throws
     * {@link ProvisioningException} when it cannot.
     */
    RunningServer run(int port, Map<String, Endpoint> extraPorts) throws PortTaken {
        try {
            directories.create();
            Path servers = directories.root().getParent();
            user.passThrough(servers.getParent(), servers);
        } catch (IOException e) {
            throw new ProvisioningException(failure("cannot create " + directories + ": " + e.getMessage()), e);
        }
        return launch(port, extraPorts, true);
    }

    /**
     * Starts the server again on the data of a former start, on {@code port}; throws
     * {@link ProvisioningException} when it cannot, keeping the directories.
     */
    RunningServer rerun(int port, Map<String, Endpoint> extraPorts) throws PortTaken {
        if (!Files.isDirectory(directories.data())) {
            throw new ProvisioningException(failure("its data directory " + directories.data() + " is gone"));
        }
        return launch(port, extraPorts, false, null);
    }

    /**
     * Starts the server on a data directory that {@code writer} fills first (see
     * {@link ProcessRuntime#replaceDataDirectory}), on {@code port}; throws
     * {@link ProvisioningException} when the writer fails or the server does not get ready,
     * keeping the directories.
     */
    RunningServer rerunAfter(ProcessRecipe.Initializer writer, int port, Map<String, Endpoint> extraPorts)
            throws PortTaken {
        if (!Files.isDirectory(directories.data())) {
            throw new ProvisioningException(failure("its data directory " + directories.data() + " is gone"));
        }
        return launch(port, extraPorts, false, writer);
    }

    private RunningServer launch(int port, Map<String, Endpoint> extraPorts, boolean fresh) throws PortTaken {
        return launch(port, extraPorts, fresh, null);
    }

    private RunningServer launch(int port, Map<String, Endpoint> extraPorts, boolean fresh,
            ProcessRecipe.Initializer writer) throws PortTaken {
        Endpoint endpoint = new Endpoint(PortAllocator.LOOPBACK_HOST, port);
        long logMark = LogTail.mark(directories.log());
        ProcessHandle process = null;
        boolean gone = false;
        long pidStart = -1;
        try {
            DefaultProcessContext context = new DefaultProcessContext(
                    serverId, binaries, directories, endpoint, extraPorts, user, definition.startTimeout());
            long begin = System.nanoTime();
            Optional<DataTemplate> template = fresh ? recipe.templateIfAny() : Optional.empty();
            DataTemplates.Template copied = null;
            boolean spare = false;
            if (template.isPresent()) {
                // What the rekey can do ahead, done while the copy is made and the server starts.
                recipe.rekeyIfAny().orElseThrow().prepare(definition.adminPassword());
                copied = templates.obtain(serverId, definition, template.get(), binaries, progress);
                spare = templates.takeSpare(copied, directories.data());
                if (spare) {
                    progress.step(serverId, "taking a spare copy of the template " + copied.directory().getFileName()
                            + " made ahead, as " + directories.data());
                } else {
                    progress.step(serverId, "copying the template " + copied.directory().getFileName() + " to "
                            + directories.data());
                    DataTemplates.copy(copied, directories.data());
                }
            } else if (fresh) {
                progress.step(serverId, "initializing " + directories.data());
                recipe.initializer().initialize(context);
            }
            if (writer != null) {
                progress.step(serverId, "writing a new data directory " + directories.data());
                writer.initialize(context);
            }
            long initialized = System.nanoTime();
            progress.step(serverId, "starting on " + endpoint);
            DefaultProcessContext.Launched started = context.launch(recipe.launcher().command(context), detached,
                    copied != null && writer == null);
            if (started.process() == null) {
                gone = true;
                throw new ProvisioningException(started.whyGone().orElseThrow() + " before it was ready");
            }
            process = started.process();
            pidStart = ProcessControl.startMillis(process);
            // Before anything can fail: a process that dies from here on leaves enough to find the engine.
            directories.recordEngine(process.pid(), pidStart);
            // A copy's admin still has the template's password until it is personalized.
            ServerAccess access = new ServerAccess(serverId, endpoint, definition.adminUser(),
                    copied != null ? copied.password() : definition.adminPassword(), extraPorts);
            List<PortOwners.Port> ports = new ArrayList<>(List.of(PortOwners.Port.main(port)));
            extraPorts.forEach((name, extra) -> ports.add(
                    new PortOwners.Port(extra.port(), name, recipe.helperPorts().contains(name))));
            ProcessHandle engine = process;
            Readiness.await(definition, access, started::whyGone,
                    // Waiting on the process, not sleeping: a server that dies is noticed at once.
                    started::awaitExit,
                    // A check may carry the admin's password: only to the engine's own sockets, never to
                    // a program that took a port meanwhile (e.g. during a restart on the same ports).
                    () -> PortOwners.whyNotOnlyListener(ports, engine));
            long ready = System.nanoTime();
            if (copied != null) {
                progress.step(serverId, "giving the admin its own password");
                recipe.rekeyIfAny().orElseThrow().rekey(context, access, definition.adminPassword());
                // Now that this one runs: a copy for the next start, made in the background.
                templates.replenish(serverId, copied);
            }
            LOG.info("{} - Started {} {} on {} (pid {})", serverId, definition.engine(), definition.version(),
                    endpoint, process.pid());
            LOG.debug("{} - {} in {} ms, ready {} ms after launch, handed over {} ms later", serverId,
                    spare ? "Took a spare copy of the template" : copied != null ? "Copied the template" : "Initialized",
                    (initialized - begin) / 1_000_000, (ready - initialized) / 1_000_000,
                    (System.nanoTime() - ready) / 1_000_000);
            progress.step(serverId, "ready on " + endpoint);
            ServerRecord record = new ServerRecord(serverId, process.pid(), pidStart, directories, recipe);
            return new RunningServer(serverId, ProcessRuntime.NAME, endpoint, record.attributes(), extraPorts);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String tail = LogTail.lastLines(directories.log(), logMark, LOG_TAIL_LINES);
            boolean died = gone || process != null && !ProcessControl.isRunning(process);
            // A NotReady is only the messenger: the readiness check's own failure is the cause.
            Throwable cause = e instanceof ServerReadiness.NotReady ? e.getCause() : e;
            ProvisioningException failure = new ProvisioningException(
                    failure(Readiness.firstLine(e) + "\nLast lines of server.log:\n" + tail), cause);
            cleanUp(process, pidStart, fresh, failure);
            if (e instanceof PortOwners.Taken taken) {
                throw new PortTaken(taken);
            }
            if (died) {
                // Looked at once what the server started is gone, so whatever still listens is another program's.
                Set<Integer> taken = new HashSet<>();
                if (!PortAllocator.isFree(port)) {
                    taken.add(port);
                }
                extraPorts.values().forEach(extra -> {
                    if (!PortAllocator.isFree(extra.port())) {
                        taken.add(extra.port());
                    }
                });
                if (!taken.isEmpty() || tail.contains("Address already in use")) {
                    throw new PortTaken(port, taken);
                }
            }
            throw failure;
        } catch (Error e) {
            cleanUp(process, pidStart, fresh, e); // e.g. a readiness check missing its driver: nothing may be left running
            throw e;
        }
    }

    private void cleanUp(ProcessHandle process, long pidStart, boolean fresh, Throwable failure) {
        // An interrupted start is cleaned up all the same: the waits below would end at once on the flag.
        boolean interrupted = Thread.interrupted();
        try {
            if (process != null) {
                if (fresh) {
                    ProcessControl.killTree(process);
                } else {
                    // Its data stays: the engine stops as it would on a stop, so that it leaves the data
                    // as a later start expects. PostgreSQL killed while it writes postmaster.pid leaves the
                    // file empty, and refuses to start on that data again until someone deletes it.
                    ProcessControl.stop(process, recipe.stopSignal(), recipe.stopTimeout());
                }
                // What a server that died on its own left behind in its session.
                ProcessControl.killSession(process.pid(), pidStart);
            }
            if (fresh) {
                directories.delete();
            }
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        } catch (InterruptedException e) {
            interrupted = true;
            failure.addSuppressed(e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private String failure(String reason) {
        return "Could not start " + definition.engine() + " " + definition.version() + " as server '" + serverId
                + "' with the process runtime: " + reason;
    }
}
