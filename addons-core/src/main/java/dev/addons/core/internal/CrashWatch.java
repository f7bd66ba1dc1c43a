package dev.addons.core.internal;

import dev.addons.api.AddonException;
import dev.addons.api.AddonRecord;
import dev.addons.api.Status;
import dev.addons.core.RestartPolicy;
import dev.addons.core.UpResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's watch on servers that die. On start it does what {@code addons up} does
 * (sleeping addons stay asleep). On every tick it asks each server of an addon that should run
 * whether it is alive (the process runtime reads {@code /proc}; the container runtime asks the
 * Docker API); one found dead has its addons marked FAILED ({@code its server ... is not running})
 * and is started again on its data, on a thread of its own, one attempt per server at a time:
 * at once, then with the {@link RestartPolicy}'s backoff. A server that crashes
 * {@link RestartPolicy#maxCrashes()} times within its window is left down, its addons FAILED with
 * how many crashes in how long and the engine's last log lines. Thread-safe.
 */
public final class CrashWatch implements Watch {
    private static final Logger LOG = LoggerFactory.getLogger(CrashWatch.class);
    private static final String SERVER = "its server ";

    private final String home;
    private final StateStore store;
    private final AddonLifecycle lifecycle;
    private final Reconciler reconciler;
    private final Servers servers;
    private final Executor executor;
    private final RestartPolicy policy;
    private final Map<String, Tracker> trackers = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    public CrashWatch(String home, StateStore store, AddonLifecycle lifecycle, Reconciler reconciler, Servers servers,
            Executor executor, RestartPolicy policy) {
        this.home = home;
        this.store = store;
        this.lifecycle = lifecycle;
        this.reconciler = reconciler;
        this.servers = servers;
        this.executor = executor;
        this.policy = policy;
    }

    @Override
    public String name() {
        return "crashes";
    }

    @Override
    public void start() {
        UpResult up = lifecycle.up(record -> true, false, executor);
        LOG.info("{} - up: {} active, {} could not come back, {} left as they are", home, up.active().size(),
                up.failures().size(), up.left().size());
        for (UpResult.Failure failure : up.failures()) {
            LOG.warn("{} - could not come back: {}", failure.addon().id(), failure.reason());
        }
    }

    @Override
    public void tick() {
        if (closed.get()) {
            return;
        }
        Instant now = Instant.now();
        Map<String, List<AddonState>> watched = watched();
        trackers.keySet().retainAll(watched.keySet());
        for (Map.Entry<String, List<AddonState>> server : watched.entrySet()) {
            String serverId = server.getKey();
            Tracker tracker = trackers.computeIfAbsent(serverId, id -> new Tracker());
            synchronized (tracker) {
                if (tracker.attempting) {
                    continue;
                }
                if (tracker.gaveUp) {
                    if (server.getValue().stream().noneMatch(s -> s.record().status() == Status.ACTIVE)) {
                        continue;
                    }
                    tracker.reset(); // Started again by hand (addons start): watched anew.
                }
                if (tracker.retryAt != null) {
                    if (!now.isBefore(tracker.retryAt)) {
                        attempt(serverId, tracker);
                    }
                    continue;
                }
            }
            check(serverId, server.getValue(), tracker, now);
        }
    }

    /** Looks at one server whose addons should run, and starts it again when it is found dead. */
    private void check(String serverId, List<AddonState> tenants, Tracker tracker, Instant now) {
        boolean running;
        try {
            running = servers.isRunning(serverId);
        } catch (AddonException e) {
            LOG.debug("{} - cannot check server {} now: {}", home, serverId, e.getMessage());
            return;
        }
        boolean anyDown = tenants.stream().anyMatch(s -> s.record().status() != Status.ACTIVE);
        if (running && !anyDown) {
            return;
        }
        if (!running) {
            // Rechecked under the server's lock: a stop on request holds it while it stops.
            int marked = reconciler.serverFoundDown(serverId, "; the supervisor starts it again").serversDown();
            boolean stillDue = store.tenantsOf(serverId).stream().anyMatch(CrashWatch::shouldRun);
            if (!stillDue) {
                return;
            }
            LOG.warn("{} - server {} died ({} addon(s) marked failed meanwhile)", home, serverId, marked);
            synchronized (tracker) {
                crashed(serverId, tracker, now);
                if (tracker.retryAt != null && !now.isBefore(tracker.retryAt)) {
                    attempt(serverId, tracker); // The first time: at once.
                }
            }
        } else {
            synchronized (tracker) {
                attempt(serverId, tracker); // Running, but an addon of it still marked down: revive marks it.
            }
        }
    }

    /**
     * Counts a crash; gives up past the policy's limit, else sets when the next attempt is made
     * (a tick makes it). Called holding the tracker.
     */
    private void crashed(String serverId, Tracker tracker, Instant at) {
        tracker.crashes.addLast(at);
        while (tracker.crashes.size() > 1
                && tracker.crashes.peekFirst().isBefore(at.minus(policy.window()))) {
            tracker.crashes.removeFirst();
        }
        int count = tracker.crashes.size();
        if (count >= policy.maxCrashes()) {
            giveUp(serverId, tracker, count, Duration.between(tracker.crashes.peekFirst(), at));
            return;
        }
        Duration delay = policy.delayAfter(count);
        tracker.retryAt = at.plus(delay);
        if (!delay.isZero()) {
            LOG.info("{} - server {} crashed {} time(s) within {}: next start in {} ms", home, serverId, count,
                    policy.window(), delay.toMillis());
        }
    }

    /** Hands one start of the server to the executor; called holding the tracker. */
    private void attempt(String serverId, Tracker tracker) {
        if (closed.get()) {
            return;
        }
        tracker.attempting = true;
        tracker.retryAt = null;
        try {
            executor.execute(() -> revive(serverId, tracker));
        } catch (RejectedExecutionException e) {
            tracker.attempting = false; // Closing.
        }
    }

    private void revive(String serverId, Tracker tracker) {
        try {
            AddonState tenant = store.tenantsOf(serverId).stream().filter(CrashWatch::shouldRun).findFirst()
                    .orElse(null);
            if (tenant != null && !closed.get()) {
                AddonRecord revived = lifecycle.reviveServerOf(tenant, true);
                LOG.info("{} - server {} runs again on its data ({} is {})", home, serverId, revived.id(),
                        revived.status());
            }
        } catch (Servers.DataGoneException e) {
            LOG.error("{} - server {} cannot be started again: {}", home, serverId, e.getMessage());
            synchronized (tracker) {
                tracker.gaveUp = true;
            }
            lifecycle.failTenantsOf(serverId, CrashWatch::shouldRun, () -> true,
                    SERVER + serverId + " cannot be started again: " + e.getMessage());
        } catch (RuntimeException e) {
            if (closed.get()) {
                return;
            }
            LOG.warn("{} - server {} did not start again: {}", home, serverId, e.getMessage());
            synchronized (tracker) {
                crashed(serverId, tracker, Instant.now());
            }
        } finally {
            synchronized (tracker) {
                tracker.attempting = false;
            }
        }
    }

    /** Marks the server's addons FAILED for good (until started by hand) and stops retrying it. */
    private void giveUp(String serverId, Tracker tracker, int crashes, Duration within) {
        tracker.gaveUp = true;
        tracker.retryAt = null;
        String last = servers.server(serverId).flatMap(ServerState::lastCrash).map(ServerState.Crash::reason)
                .orElse("");
        String message = SERVER + serverId + " crashed " + crashes + " times in " + within.toSeconds() + " s; the"
                + " supervisor stopped restarting it: fix the cause, then run addons start"
                + (last.isEmpty() ? "" : ". Its last crash: " + last);
        List<AddonRecord> failed = lifecycle.failTenantsOf(serverId, CrashWatch::shouldRun,
                () -> !servers.isRunning(serverId), message);
        LOG.error("{} - server {} crashed {} times in {} s: no more restarts ({} addon(s) failed). Its last crash: {}",
                home, serverId, crashes, within.toSeconds(), failed.size(), last);
    }

    /** The servers of the addons that should be running, with those addons. */
    private Map<String, List<AddonState>> watched() {
        Map<String, List<AddonState>> byServer = new LinkedHashMap<>();
        for (AddonState state : store.addons()) {
            if (shouldRun(state)) {
                byServer.computeIfAbsent(state.serverId(), id -> new java.util.ArrayList<>()).add(state);
            }
        }
        return byServer;
    }

    /** ACTIVE, or FAILED because its server went down. */
    private static boolean shouldRun(AddonState state) {
        return state.serverId() != null
                && (state.record().status() == Status.ACTIVE || AddonLifecycle.diedWithItsServer(state));
    }

    /** Stops starting servers; an attempt under way ends as it does. Idempotent. */
    @Override
    public void close() {
        closed.set(true);
    }

    /** What the watch knows of one server: its recent crashes and the next attempt. Guarded by itself. */
    private static final class Tracker {
        final Deque<Instant> crashes = new ArrayDeque<>();
        Instant retryAt;
        boolean attempting;
        boolean gaveUp;

        void reset() {
            crashes.clear();
            retryAt = null;
            gaveUp = false;
        }
    }
}
