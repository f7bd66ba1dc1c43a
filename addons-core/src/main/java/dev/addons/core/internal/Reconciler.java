package dev.addons.core.internal;

import dev.addons.api.AddonException;
import dev.addons.api.AddonRecord;
import dev.addons.api.Status;
import dev.addons.api.spi.AddonProvider;
import dev.addons.core.runtime.ServerRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a home's records agree with reality: the one place that marks addons whose server died,
 * and that cleans up after operations a process that died left half-done. Opening an
 * {@code Addons}, {@code Addons.reconcile()}, a listing's check of an open instance and the
 * supervisor all go through it; each call says what it changed in a {@link Result}. Thread-safe.
 */
public final class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    private final Path home;
    private final StateStore store;
    private final Runtimes runtimes;
    private final ProviderRegistry registry;
    private final Servers servers;
    private final AddonLifecycle lifecycle;
    private final Migrations migrations;
    private final BackupLedger backups;

    public Reconciler(Path home, StateStore store, Runtimes runtimes, ProviderRegistry registry, Servers servers,
            AddonLifecycle lifecycle, Migrations migrations, BackupLedger backups) {
        this.home = home;
        this.store = store;
        this.runtimes = runtimes;
        this.registry = registry;
        this.servers = servers;
        this.lifecycle = lifecycle;
        this.migrations = migrations;
        this.backups = backups;
    }

    /**
     * What a reconcile changed. {@link #changed()} is what {@code Addons.reconcile()} returns.
     *
     * @param movesResolved    interrupted moves to another variant finished or undone
     * @param serversDown      ACTIVE addons marked FAILED because their server is not running
     * @param serversBack      addons made ACTIVE again because their server runs
     * @param interrupted      addons marked FAILED because the process working on them exited
     * @param serversForgotten server records whose start was interrupted, forgotten
     * @param straysRemoved    servers of this home no record names, removed by their runtime
     * @param backupsCleaned   interrupted restores cleaned up and files of interrupted backups removed
     * @param filesRemoved     temporary state files left by a process that died, removed
     */
    public record Result(int movesResolved, int serversDown, int serversBack, int interrupted, int serversForgotten,
            int straysRemoved, int backupsCleaned, int filesRemoved) {
        public static final Result NONE = new Result(0, 0, 0, 0, 0, 0, 0, 0);

        /** How many records changed plus what was removed. */
        public int changed() {
            return movesResolved + serversDown + serversBack + interrupted + serversForgotten + straysRemoved
                    + backupsCleaned + filesRemoved;
        }

        static Result down(int addons) {
            return new Result(0, addons, 0, 0, 0, 0, 0, 0);
        }
    }

    /**
     * The whole pass, in this order: the moves a dead process left half-done (a server such a move
     * was starting is still recorded, and removed by it); ACTIVE addons whose server is not running
     * marked FAILED; addons whose server runs again made ACTIVE; addons left half-done by a process
     * that died marked FAILED, what an interrupted provisioning made removed and an interrupted
     * destroy finished (its data was being deleted: the addon is gone, as asked); servers whose
     * start was interrupted forgotten, and what no record names removed by the runtimes (containers
     * and volumes left by a crash); the backups and restores a dead process left half-done; the
     * temporary state files it left.
     */
    public Result reconcile() {
        int moves = migrations.resolveInterrupted();
        int down = deadServers(store.addons()).serversDown();
        List<AddonState> interrupted = new ArrayList<>();
        int[] addons = reconcileAddons(interrupted);
        // Outside the home's lock: undoing a shared tenant takes its server's lock, which is
        // always taken before the home's.
        for (AddonState failed : interrupted) {
            if (failed.failedIn(AddonState.Cause.INTERRUPTED_DESTROY)) {
                finishDestroy(failed);
            } else {
                undoInterruptedProvisioning(failed);
            }
        }
        int forgotten = forgetInterruptedStarts();
        int strays = removeStrays(runtimesToSweep());
        int cleaned = backups.reconcile();
        int files = 0;
        try {
            files = PrivateFiles.removeAbandoned(home.resolve("state"), 2).size();
        } catch (IOException e) {
            LOG.warn("Cannot look for temporary files left in {}: {}", home.resolve("state"), e.getMessage());
        }
        return new Result(moves, down, addons[0], addons[1], forgotten, strays, cleaned, files);
    }

    /**
     * Marks FAILED, as the whole pass does, the ACTIVE addons among {@code states} whose server
     * is not running, so that an instance kept open sees a server killed meanwhile. One check per
     * server (a {@code /proc} read, or a Docker API call); servers of another home's runtime that
     * cannot be checked now are taken as running.
     */
    public Result deadServers(Collection<AddonState> states) {
        Set<String> checked = new HashSet<>();
        int marked = 0;
        for (AddonState state : states) {
            String serverId = state.serverId();
            if (state.record().status() != Status.ACTIVE || serverId == null || !checked.add(serverId)
                    || isRunning(state)) {
                continue;
            }
            List<AddonRecord> failed = lifecycle.failTenantsOf(serverId, s -> s.record().status() == Status.ACTIVE,
                    () -> !isRunning(state), AddonLifecycle.SERVER_NOT_RUNNING + serverId + " is not running");
            failed.forEach(record -> LOG.warn("{} - its server {} is not running", record.id(), serverId));
            marked += failed.size();
        }
        return Result.down(marked);
    }

    /**
     * Marks FAILED the ACTIVE addons of {@code serverId}, a server the supervisor found dead, once
     * its runtime says again, under the server's lock, that it is not running (a stop on request
     * holds that lock while it stops); {@code next} says what happens next. Throws
     * {@link AddonException} when the runtime cannot tell now.
     */
    public Result serverFoundDown(String serverId, String next) {
        return Result.down(lifecycle.failTenantsOf(serverId, s -> s.record().status() == Status.ACTIVE,
                () -> !servers.isRunning(serverId), AddonLifecycle.SERVER_NOT_RUNNING + serverId + " is not running"
                        + next).size());
    }

    /**
     * Under the home's lock: ACTIVE again the stopped or down addons whose server runs, FAILED the
     * ones a dead process left half-done (added to {@code interrupted}, except ACTIVE ones).
     * Returns how many of each.
     */
    private int[] reconcileAddons(List<AddonState> interrupted) {
        return store.locked(() -> {
            int[] changed = new int[2];
            for (AddonState state : store.addons()) {
                AddonRecord record = state.record();
                if ((record.status() == Status.STOPPED || AddonLifecycle.diedWithItsServer(state))
                        && runsForSure(state)) {
                    // A start (or up, or a supervisor's restart) whose process died between starting the
                    // server and recording it; or a server started behind addons' back. It serves: ACTIVE.
                    LOG.warn("{} - was {} but its server {} runs; active again", record.id(),
                            record.status().name().toLowerCase(Locale.ROOT), state.serverId());
                    lifecycle.transition(state, Status.ACTIVE, "", null);
                    changed[0]++;
                } else if (!settled(record.status()) && (state.owner() == null || !state.owner().isAlive())) {
                    String problem = "interrupted while " + record.status().name().toLowerCase(Locale.ROOT)
                            + ": the process working on it exited";
                    LOG.warn("{} - {}", record.id(), problem);
                    interrupted.add(lifecycle.fail(state, AddonState.Cause.interrupted(record.status()), problem));
                    changed[1]++;
                }
            }
            return changed;
        });
    }

    /** Whether an addon in {@code status} is at rest, with no process working on it (stopped or asleep too). */
    private static boolean settled(Status status) {
        return status == Status.ACTIVE || status == Status.FAILED || status == Status.STOPPED
                || status == Status.SLEEPING;
    }

    private void finishDestroy(AddonState failed) {
        AddonRecord record = failed.record();
        try {
            lifecycle.destroy(record.app(), record.environment(), record.addon());
            LOG.info("{} - finished the destroy its process had begun", record.id());
        } catch (AddonException e) {
            LOG.warn("{} - cannot finish the destroy its process had begun (destroy it again): {}", record.id(),
                    e.getMessage());
        }
    }

    /**
     * Removes what a provisioning interrupted by a dead process had made, so that nothing
     * half-made keeps running and a create can be retried: the dedicated server it had started,
     * or the tenant it was making on a shared server (which stays for its other tenants).
     */
    private void undoInterruptedProvisioning(AddonState failed) {
        if (failed.serverId() == null) {
            return;
        }
        store.server(failed.serverId()).ifPresent(server -> {
            try {
                if (server.shared()) {
                    AddonProvider provider = registry.require(failed.record().addon());
                    servers.removeTenant(failed, failed.tenant(provider), provider);
                } else {
                    store.locked(() -> {
                        servers.destroy(server);
                        store.addon(failed.record().id()).ifPresent(s -> store.save(s.withServer(null)));
                        return null;
                    });
                }
                LOG.info("{} - removed what its interrupted provisioning had made on {}", failed.record().id(),
                        server.serverId());
            } catch (AddonException e) {
                LOG.warn("{} - cannot remove what its interrupted provisioning had made on {}: {}",
                        failed.record().id(), server.serverId(), e.getMessage());
            }
        });
    }

    /** Forgets the servers whose start was interrupted (the process starting them exited). */
    private int forgetInterruptedStarts() {
        return store.locked(() -> {
            int forgotten = 0;
            for (ServerState server : store.servers()) {
                if (server.abandoned()) {
                    LOG.warn("{} - its start was interrupted: the process starting it exited; forgetting it",
                            server.serverId());
                    store.deleteServer(server.serverId());
                    forgotten++;
                }
            }
            return forgotten;
        });
    }

    /** Has each runtime of {@code sweep} remove the servers of this home no record names. */
    private int removeStrays(Collection<ServerRuntime> sweep) {
        int removed = 0;
        for (ServerRuntime runtime : sweep) {
            try {
                removed += runtime.removeStrays(id -> store.server(id).isPresent()).size();
                if (runtime instanceof dev.addons.core.internal.process.ProcessRuntime process) {
                    // Warm servers no setting wants any more, or whose engine died.
                    removed += process.removeWarm(false).size();
                }
            } catch (AddonException e) {
                LOG.warn("Cannot look for stray servers on the {} runtime: {}", runtime.name(), e.getMessage());
            }
        }
        return removed;
    }

    /**
     * The runtimes whose strays a reconcile removes: those in use, the process runtime whenever
     * the home has server directories (it costs no more than listing them), and those the home's
     * server records name (a start a crash cut short names its runtime). {@code auto} is not
     * asked to choose for this: a home with no container server never probes for Docker.
     */
    private Collection<ServerRuntime> runtimesToSweep() {
        Set<ServerRuntime> sweep = new LinkedHashSet<>(runtimes.made());
        if (Files.isDirectory(home.resolve("servers"))) {
            sweep.add(runtimes.get(dev.addons.core.internal.process.ProcessRuntime.NAME));
        }
        Set<String> recorded = new TreeSet<>();
        store.servers().forEach(server -> recorded.add(server.runtime()));
        recorded.remove(ExternalRuntime.NAME); // No runtime of the home's runs them: nothing of theirs strays.
        for (String name : recorded) {
            try {
                sweep.add(runtimes.get(name));
            } catch (AddonException e) {
                LOG.warn("{} - Cannot look for stray servers on the {} runtime: {}", home, name,
                        e.getMessage().lines().findFirst().orElse(""));
            }
        }
        return sweep;
    }

    /** Whether the addon's server runs, as far as its runtime can tell now: false when it cannot. */
    private boolean runsForSure(AddonState state) {
        try {
            return state.serverId() != null && servers.isRunning(state.serverId());
        } catch (AddonException e) {
            return false;
        }
    }

    /** Whether the addon's server runs; true when its runtime cannot tell now (e.g. no Docker API). */
    private boolean isRunning(AddonState state) {
        try {
            return servers.isRunning(state.serverId());
        } catch (AddonException e) {
            LOG.warn("{} - cannot check its server {}: {}", state.record().id(), state.serverId(), e.getMessage());
            return true;
        }
    }
}
