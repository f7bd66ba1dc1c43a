package dev.addons.core.internal;

import dev.addons.api.AddonException;
import dev.addons.api.AddonNotFoundException;
import dev.addons.api.AddonRecord;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.ProvisioningException;
import dev.addons.api.Status;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.ConnectionLimitCapability;
import dev.addons.api.spi.Secrets;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.TenantRequest;
import dev.addons.core.Operation;
import dev.addons.core.internal.AddonState.Owner;
import dev.addons.core.internal.ServerState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves addons through their lifecycle: claims a record, has a server started (dedicated) or
 * found (shared), has the provider create the tenant, and undoes all of it on failure or on
 * destroy. Every state change is persisted before the next step, under the home's lock, so other
 * threads and processes see one addon per app, environment and name. Thread-safe.
 */
public final class AddonLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(AddonLifecycle.class);
    private static final Duration POLL = Duration.ofMillis(50);
    static final String SERVER_NOT_RUNNING = "its server ";
    private static final String DESTROY_FAILED = "destroy failed: ";

    /**
     * Ids of the addons a thread of this JVM is creating or destroying now. The record's owner
     * names a process, so it cannot tell this JVM's threads apart: without this set a destroy from
     * one thread went ahead while another thread was still provisioning the addon, which then saved
     * its record again (two records, one server left running).
     */
    private static final Set<String> IN_FLIGHT = ConcurrentHashMap.newKeySet();

    private final StateStore store;
    private final ProviderRegistry registry;
    private final Servers servers;
    private final Listeners listeners;
    private final Operations operations;

    public AddonLifecycle(StateStore store, ProviderRegistry registry, Servers servers, Listeners listeners,
            Operations operations) {
        this.store = store;
        this.registry = registry;
        this.servers = servers;
        this.listeners = listeners;
        this.operations = operations;
    }

    /**
     * Creates the addon, or joins the creation another thread or process is making, and returns
     * it ACTIVE. An addon that exists with another variant or version is refused.
     */
    public AddonRecord create(String app, String environment, ResolvedSpec spec, Duration timeout) {
        return create(app, environment, spec, timeout, spec.provider()::provision);
    }

    /** {@link #create(String, String, ResolvedSpec, Duration)}, making the tenant with {@code provisioner}. */
    public AddonRecord create(String app, String environment, ResolvedSpec spec, Duration timeout,
            Provisioner provisioner) {
        return create(app, environment, spec, timeout, provisioner, true);
    }

    /**
     * The create; {@code heard} when its operation listeners hear it: not when it is a remake
     * within a create that is heard already. Only a create that does something is heard: one that
     * finds the addon there, or waits for another's creation of it, is not.
     */
    private AddonRecord create(String app, String environment, ResolvedSpec spec, Duration timeout,
            Provisioner provisioner, boolean heard) {
        long began = System.nanoTime();
        String engine = spec.provider().descriptor().name();
        Claim claim;
        try {
            claim = store.locked(() -> {
                Claim found = claim(app, environment, spec);
                if (!found.mine) {
                    return found;
                }
                // Claimed and moved on in one write: the record another process sees is PROVISIONING.
                Claim mine = new Claim(transition(found.state, Status.PROVISIONING, "", Owner.current()), true,
                        false);
                IN_FLIGHT.add(mine.state.record().id());
                return mine;
            });
        } catch (RuntimeException e) {
            if (heard) {
                operations.failed(Operation.Kind.CREATE, engine, app, environment, began, e);
            }
            throw e;
        }
        if (claim.revive) {
            Supplier<AddonRecord> revive = () -> limitConnections(
                    reviveOrRemake(claim.state, spec, timeout, provisioner), spec);
            return heard ? operations.observe(Operation.Kind.CREATE, engine, app, environment, began,
                    revive) : revive.get();
        }
        if (!claim.mine) {
            Status status = claim.state.record().status();
            // Stopped on purpose or asleep: kept so (start it, or a client wakes it).
            return limitConnections(status == Status.ACTIVE || status == Status.STOPPED || status == Status.SLEEPING
                    ? claim.state.record()
                    : await(claim.state.record().id(), timeout), spec);
        }
        try {
            return heard ? operations.observe(Operation.Kind.CREATE, engine, app, environment, began,
                    () -> provision(claim.state, spec, provisioner)) : provision(claim.state, spec, provisioner);
        } finally {
            IN_FLIGHT.remove(claim.state.record().id());
        }
    }

    /**
     * A create of an addon whose server is down: the server is started again on its data and
     * the addon is ACTIVE, its variables following the server's port. Only when its data is gone
     * is the addon made anew, and its record says so.
     */
    private AddonRecord reviveOrRemake(AddonState state, ResolvedSpec spec, Duration timeout,
            Provisioner provisioner) {
        try {
            return reviveServerOf(state, true);
        } catch (Servers.DataGoneException gone) {
            String why = gone.getMessage();
            LOG.warn("{} - {}: making it anew, empty", state.record().id(), why);
            store.lockedServer(state.serverId(), () -> {
                servers.server(state.serverId()).ifPresent(servers::destroy);
                return null;
            });
            AddonState orphan = store.addon(state.record().id()).orElse(state).withServer(null);
            store.locked(() -> fail(orphan, AddonState.Cause.DATA_GONE, why));
            // Part of the create that found it down, which is heard: this one is not heard again.
            return create(state.record().app(), state.record().environment(), spec, timeout, provisioner, false);
        }
    }

    /**
     * Gives an existing ACTIVE addon's tenant the connection limit {@code spec} declares when it
     * has another (a deploy of an app file whose {@code connections} changed): the provider
     * changes it on the live tenant, under its server's lock, and the record follows. Nothing is
     * made anew; the sessions open stay open.
     */
    private AddonRecord limitConnections(AddonRecord record, ResolvedSpec spec) {
        Integer wanted = spec.connections();
        if (wanted == null || record.status() != Status.ACTIVE) {
            return record;
        }
        AddonState state = store.addon(record.id()).orElse(null);
        if (state == null || state.serverId() == null || state.sharedConnections() == wanted) {
            return record;
        }
        String serverId = state.serverId();
        AddonProvider provider = spec.provider();
        return store.lockedServer(serverId, () -> {
            AddonState latest = store.addon(record.id()).orElse(null);
            if (latest == null || latest.record().status() != Status.ACTIVE || !serverId.equals(latest.serverId())) {
                return latest == null ? record : latest.record(); // Being destroyed or moved meanwhile: left to that.
            }
            int was = latest.sharedConnections();
            if (was != wanted) {
                AddonState limited = latest.withConnections(wanted);
                // ResolvedSpec sets connections only for an engine with this capability.
                provider.capability(ConnectionLimitCapability.class).orElseThrow()
                        .limitConnections(limited.tenant(provider), new Binding(latest.binding()),
                                servers.access(serverId));
                store.locked(() -> {
                    store.save(store.addon(record.id()).orElse(limited).withConnections(wanted));
                    return null;
                });
                LOG.info("{} - its app may now have {} session(s) open at once on {} (was {})", record.id(), wanted,
                        serverId, was);
            }
            return latest.record();
        });
    }

    /** How a tenant is made on the server it got: by the provider from nothing, or as a copy. */
    @FunctionalInterface
    public interface Provisioner {
        Binding provision(TenantRequest tenant, ServerAccess server);
    }

    private Claim claim(String app, String environment, ResolvedSpec spec) {
        Optional<AddonState> existing = store.find(app, environment, spec.provider().descriptor().name());
        if (existing.isEmpty()) {
            Instant now = Instant.now();
            String id = spec.provider().descriptor().name() + "-" + app + "-" + environment + "-"
                    + Secrets.random(6).toLowerCase(Locale.ROOT);
            AddonRecord record = new AddonRecord(id, app, environment, spec.provider().descriptor().name(), spec.variant().name(),
                    spec.version(), spec.runtimeName(), Status.PENDING, spec.chosen(), now, now);
            if (!spec.chosen().isEmpty()) {
                LOG.info("{} - {}", id, spec.chosen());
            }
            AddonState state = new AddonState(record, null, Map.of(), Owner.current())
                    .withSleepAfter(spec.sleepAfter()).withConnections(spec.connections());
            // Not saved: the caller moves it to PROVISIONING under the same lock, and saves that.
            listeners.fire(record, null);
            return new Claim(state, true, false);
        }
        AddonState state = existing.get();
        AddonRecord record = state.record();
        if (!record.version().equals(spec.version())) {
            throw new InvalidSpecException(record.addon() + " of " + app + "/" + environment + " exists as "
                    + record.variant() + " " + record.version() + ", not " + spec.variant().name() + " "
                    + spec.version() + ": an addon keeps its version; to take its data to " + spec.version()
                    + ", back it up and restore the backup into an addon of that version (another app or"
                    + " environment)");
        }
        if (!record.variant().equals(spec.variant().name())) {
            throw new InvalidSpecException(record.addon() + " of " + app + "/" + environment + " exists as "
                    + record.variant() + " " + record.version() + ", not " + spec.variant().name() + " "
                    + spec.version() + ": move it with its data by 'addons migrate " + record.addon() + " -a " + app
                    + " --env " + environment + " --to " + spec.variant().name() + "'");
        }
        boolean external = record.runtime().equals(ExternalServers.RUNTIME);
        if (external != (spec.server() != null)
                || external && state.serverId() != null && !state.serverId().equals(spec.server())) {
            throw new InvalidSpecException(record.addon() + " of " + app + "/" + environment + " exists on "
                    + (external ? "the external server " + state.serverId() : "a server of this home's own")
                    + ": it cannot move to another server; back it up and restore the backup into an addon"
                    + " there (another app or environment)");
        }
        if (!java.util.Objects.equals(state.sleepAfter(), spec.sleepAfter())) {
            if (spec.sleepAfter() != null && !record.runtime().equals(dev.addons.core.internal.process.ProcessRuntime.NAME)) {
                throw new InvalidSpecException(record.addon() + " of " + app + "/" + environment + " sleep_after = \""
                        + dev.addons.api.AddonSpec.formatSleepAfter(spec.sleepAfter()) + "\" is refused: it runs on the "
                        + record.runtime() + " runtime, and only the process runtime sees a server's client"
                        + " connections. Allowed: sleep_after on an addon of the process runtime");
            }
            // The latest declaration wins (an app file's deploy, a create): it is what the watch reads.
            state = state.withSleepAfter(spec.sleepAfter());
            store.save(state);
        }
        boolean abandoned = record.status() != Status.ACTIVE && record.status() != Status.FAILED
                && (state.owner() == null || !state.owner().isAlive());
        if (record.status() == Status.FAILED || abandoned) {
            if (state.serverId() != null && store.server(state.serverId()).isEmpty()) {
                // Its server never finished starting and was forgotten by a reconcile: nothing to undo.
                state = state.withServer(null);
            }
            if (state.serverId() != null) {
                if (state.failedIn(AddonState.Cause.DESTROY)) {
                    throw new ProvisioningException(record.addon() + " of " + app + "/" + environment + " is failed ("
                            + record.message() + "): run destroy again to finish it");
                }
                if (abandoned) {
                    throw new ProvisioningException(record.addon() + " of " + app + "/" + environment + " was being "
                            + record.status().name().toLowerCase(Locale.ROOT) + " by a process that exited; a reconcile"
                            + " (any new Addons on this home, or Addons.reconcile()) cleans it up: create it again"
                            + " after that");
                }
                // Its server holds its data: start it again on it, never make a new one.
                return new Claim(state, false, true);
            }
            AddonState failed = abandoned
                    ? fail(state, AddonState.Cause.interrupted(record.status()),
                            "interrupted: the process working on it exited")
                    : state;
            // A retry starts its server on this call's runtime; the record says which.
            String why = failed.failedIn(AddonState.Cause.DATA_GONE)
                    ? "making it anew, empty: " + failed.record().message() : "retrying";
            // Made anew: with the limit declared now.
            return new Claim(transition(failed.withRuntime(spec.runtimeName()).withConnections(spec.connections()),
                    Status.PENDING, why, Owner.current()), true, false);
        }
        if (record.status() == Status.DEPROVISIONING) {
            throw new ProvisioningException(record.addon() + " of " + app + "/" + environment
                    + " is being destroyed; create it again when that is done");
        }
        return new Claim(state, false, false);
    }

    private AddonRecord provision(AddonState state, ResolvedSpec spec, Provisioner provisioner) {
        AddonRecord record = state.record();
        TenantRequest tenant = state.tenant(record.variant(), spec.variant().shared());
        Servers.Lease lease = null;
        try {
            lease = spec.variant().shared()
                    ? servers.joinShared(spec, state)
                    : servers.startDedicated(spec, state);
            CrashPoints.reach("provision.serverReady");
            Binding binding = provisioner.provision(tenant, lease.access());
            CrashPoints.reach("provision.tenantMade");
            AddonState bound = state.withServer(lease.server().serverId()).withBinding(binding.values());
            return store.locked(() -> transition(bound, Status.ACTIVE, "", null)).record();
        } catch (RuntimeException e) {
            String reason = e instanceof AddonException ? e.getMessage() : e.toString();
            if (lease != null) {
                servers.release(lease, tenant, spec.provider(), e);
            }
            AddonState latest = store.addon(record.id()).orElse(state);
            store.locked(() -> fail(latest.withServer(null), AddonState.Cause.PROVISIONING, reason));
            if (e instanceof InvalidSpecException) {
                throw e;
            }
            throw new ProvisioningException("Provisioning " + record.addon() + " for " + record.app() + "/"
                    + record.environment() + " failed: " + reason, e);
        }
    }

    /** Deprovisions the addon and deletes its data. */
    public AddonRecord destroy(String app, String environment, String addon) {
        long began = System.nanoTime();
        String engine = registry.find(addon).map(p -> p.descriptor().name()).orElse(Operation.UNKNOWN);
        return operations.observe(Operation.Kind.DESTROY, engine, app, environment, began,
                () -> destroyHeard(app, environment, addon));
    }

    private AddonRecord destroyHeard(String app, String environment, String addon) {
        String name = registry.find(addon).map(p -> p.descriptor().name()).orElse(addon);
        AddonState state = store.locked(() -> {
            AddonState found = store.find(app, environment, name).orElseThrow(() -> new AddonNotFoundException(
                    "App '" + app + "' has no addon '" + Names.printable(addon) + "' in " + environment + ". It has: "
                            + store.addons().stream().filter(s -> s.record().app().equals(app)
                                    && s.record().environment().equals(environment))
                                    .map(s -> s.record().addon()).toList()));
            requireNotBusy(found);
            IN_FLIGHT.add(found.record().id());
            return transition(found, Status.DEPROVISIONING, "", Owner.current());
        });
        try {
            return deprovision(state, name);
        } finally {
            IN_FLIGHT.remove(state.record().id());
        }
    }

    /** Refuses an addon another thread or live process is working on (creating, destroying, ...). */
    private static void requireNotBusy(AddonState found) {
        AddonRecord record = found.record();
        if (record.status() != Status.ACTIVE && record.status() != Status.FAILED
                && found.owner() != null && found.owner().isAlive()
                && (!found.owner().equals(Owner.current()) || IN_FLIGHT.contains(record.id()))) {
            throw new ProvisioningException(record.addon() + " of " + record.app() + "/" + record.environment() + " is "
                    + record.status().name().toLowerCase(Locale.ROOT) + " by process " + found.owner().pid()
                    + "; try again when it is done");
        }
    }

    /**
     * Destroys every addon of the home, each with its data, at once: each is marked
     * DEPROVISIONING; every server the home runs goes whole, all on threads of their own, with
     * the tenants it holds (no tenant is deprovisioned first: a shared server's tenants go with
     * it); an addon on a registered server is deprovisioned as {@link #destroy} does; then each
     * record is DESTROYED and deleted. Refused before anything changes while another thread or a
     * live process works on one of them. An addon whose server could not be destroyed is FAILED,
     * and the first such failure is thrown once the others are done. Returns the destroyed records.
     * Each addon's destroy is heard ({@link Operations}) from this call to its removal or failure.
     */
    public List<AddonRecord> destroyAll() {
        long began = System.nanoTime();
        List<AddonState> marked = store.locked(() -> {
            List<AddonState> all = store.addons();
            all.forEach(AddonLifecycle::requireNotBusy);
            List<AddonState> deprovisioning = new ArrayList<>();
            for (AddonState found : all) {
                IN_FLIGHT.add(found.record().id());
                deprovisioning.add(transition(found, Status.DEPROVISIONING, "", Owner.current()));
            }
            return deprovisioning;
        });
        try {
            ProvisioningException failure = null;
            Set<String> whole = new java.util.LinkedHashSet<>();
            for (AddonState state : marked) {
                if (state.serverId() != null && servers.runsWhole(state.serverId())) {
                    whole.add(state.serverId());
                }
            }
            Map<String, RuntimeException> notDestroyed = servers.destroyWhole(whole);
            List<AddonRecord> destroyed = new ArrayList<>();
            for (AddonState state : marked) {
                AddonRecord record = state.record();
                try {
                    destroyed.add(operations.observe(Operation.Kind.DESTROY, record.addon(), record.app(),
                            record.environment(), began, () -> destroyOneOfAll(state, whole, notDestroyed)));
                } catch (ProvisioningException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
            LOG.info("{} addon(s) destroyed with their data, {} server(s) with them", destroyed.size(), whole.size());
            return destroyed;
        } finally {
            marked.forEach(state -> IN_FLIGHT.remove(state.record().id()));
        }
    }

    /**
     * Ends {@link #destroyAll}'s work on one addon: deprovisions it when its server was not taken
     * whole, else marks it DESTROYED, or FAILED when its server (in {@code notDestroyed}) could
     * not be destroyed.
     */
    private AddonRecord destroyOneOfAll(AddonState state, Set<String> whole,
            Map<String, RuntimeException> notDestroyed) {
        AddonRecord record = state.record();
        if (state.serverId() == null || !whole.contains(state.serverId())) {
            return deprovision(state, record.addon());
        }
        RuntimeException cause = notDestroyed.get(state.serverId());
        if (cause != null) {
            String reason = cause instanceof AddonException ? cause.getMessage() : cause.toString();
            store.locked(() -> fail(state, AddonState.Cause.DESTROY, DESTROY_FAILED + reason));
            throw new ProvisioningException("Destroying " + record.addon() + " of " + record.app() + "/"
                    + record.environment() + " failed: " + reason, cause);
        }
        return store.locked(() -> {
            AddonState done = transition(state, Status.DESTROYED, "", null);
            store.deleteAddon(done.record().id());
            return done.record();
        });
    }

    private AddonRecord deprovision(AddonState state, String name) {
        String app = state.record().app();
        String environment = state.record().environment();
        CrashPoints.reach("destroy.marked");
        try {
            if (state.serverId() != null) {
                TenantRequest tenant = state.tenant(registry.require(name));
                servers.removeTenant(state, tenant, registry.require(name));
            }
            CrashPoints.reach("destroy.tenantRemoved");
        } catch (RuntimeException e) {
            String reason = e instanceof AddonException ? e.getMessage() : e.toString();
            store.locked(() -> fail(state, AddonState.Cause.DESTROY, DESTROY_FAILED + reason));
            throw new ProvisioningException("Destroying " + name + " of " + app + "/" + environment + " failed: "
                    + reason, e);
        }
        AddonRecord destroyed = store.locked(() -> {
            AddonState done = transition(state, Status.DESTROYED, "", null);
            store.deleteAddon(done.record().id());
            return done.record();
        });
        LOG.info("{} - destroyed with its data", destroyed.id());
        return destroyed;
    }

    /**
     * Restarts an addon's server on its data (for a shared addon: the shared server, with every
     * tenant on it): an ACTIVE addon's, or one whose server is down (failed, stopped, asleep),
     * which is ACTIVE again afterwards, with the other tenants of that server that were down with
     * it. Its variables follow the server's endpoint.
     */
    public AddonRecord restart(String app, String environment, String addon) {
        AddonState state = require(app, environment, addon);
        if (state.record().status() != Status.ACTIVE || !servers.isRunning(state.serverId())) {
            return start(app, environment, addon);
        }
        servers.restart(state.serverId(), registry.require(state.record().addon()));
        LOG.info("{} - restarted its server {}", state.record().id(), state.serverId());
        return state.record();
    }

    /**
     * Starts an addon's server again on its data: a STOPPED or SLEEPING addon's, or a FAILED one's
     * whose server went down; returns it ACTIVE (an ACTIVE one whose server runs as it is). The
     * other tenants of a shared server that were down with it are ACTIVE again too.
     *
     * @throws ProvisioningException when it is in no such state, or its server cannot start
     */
    public AddonRecord start(String app, String environment, String addon) {
        AddonState state = require(app, environment, addon);
        Status status = state.record().status();
        boolean down = status == Status.STOPPED || status == Status.SLEEPING
                || status == Status.FAILED && diedWithItsServer(state);
        if (!(down || status == Status.ACTIVE) || state.serverId() == null) {
            throw new ProvisioningException(state.record().addon() + " of " + app + "/" + environment + " is "
                    + describe(state.record()) + ": only an addon whose server is stopped, asleep or went down is"
                    + " started");
        }
        return reviveServerOf(state, status == Status.FAILED || status == Status.ACTIVE);
    }

    /**
     * Stops an addon's dedicated server and keeps its data, port and variables: the addon is
     * STOPPED until {@link #start}. A shared server serves other apps too and is not stopped.
     */
    public AddonRecord stop(String app, String environment, String addon) {
        AddonState state = require(app, environment, addon);
        Status status = state.record().status();
        if (status == Status.STOPPED) {
            return state.record();
        }
        if (!(status == Status.ACTIVE || status == Status.SLEEPING || status == Status.FAILED
                && diedWithItsServer(state)) || state.serverId() == null) {
            throw new ProvisioningException(state.record().addon() + " of " + app + "/" + environment + " is "
                    + describe(state.record()) + ": only an active, asleep or downed addon is stopped");
        }
        ServerState server = servers.server(state.serverId()).orElseThrow(() -> new ProvisioningException(
                "Server " + state.serverId() + " is not recorded in this addons home"));
        if (server.shared()) {
            throw new InvalidSpecException(state.record().addon() + " of " + app + "/" + environment + " is on the"
                    + " shared server " + server.serverId() + ", which other apps use too: only dedicated servers"
                    + " are stopped (variant " + state.record().variant() + ")");
        }
        // One step under the server's lock: a supervisor that finds the server down in between
        // would take the stop for a crash and start it again.
        return store.lockedServer(state.serverId(), () -> {
            servers.stop(state.serverId());
            CrashPoints.reach("stop.serverStopped");
            return store.locked(() -> transition(store.addon(state.record().id()).orElse(state), Status.STOPPED,
                    "stopped on request; start it with addons start", null)).record();
        });
    }

    /**
     * Under the server's lock, marks FAILED as {@linkplain AddonState.Cause#SERVER_DOWN down with
     * their server} (so that a start, a create or {@code up} bring them back), with {@code message}
     * (which starts with {@code "its server <id> "}), the addons of {@code serverId} that
     * {@code which} accepts, when {@code when} holds there; returns the addons marked. Listeners
     * hear an addon that was FAILED already too, when the reason changes.
     */
    java.util.List<AddonRecord> failTenantsOf(String serverId, java.util.function.Predicate<AddonState> which,
            java.util.function.BooleanSupplier when, String message) {
        if (!message.startsWith(SERVER_NOT_RUNNING + serverId + " ")) {
            throw new IllegalArgumentException("message must start with '" + SERVER_NOT_RUNNING + serverId + " ': "
                    + message);
        }
        return store.lockedServer(serverId, () -> {
            if (!when.getAsBoolean()) {
                return java.util.List.<AddonRecord>of();
            }
            return store.locked(() -> {
                java.util.List<AddonRecord> failed = new java.util.ArrayList<>();
                for (AddonState tenant : store.tenantsOf(serverId)) {
                    if (serverId.equals(tenant.serverId()) && which.test(tenant)) {
                        AddonState moved = fail(tenant, AddonState.Cause.SERVER_DOWN, message);
                        if (tenant.record().status() == Status.FAILED
                                && !tenant.record().message().equals(message)) {
                            listeners.fire(moved.record(), Status.FAILED); // Failed already, for a new reason.
                        }
                        failed.add(moved.record());
                    }
                }
                return failed;
            });
        });
    }

    /**
     * Puts an idle addon's dedicated server to sleep: under the server's lock, when the addon is
     * still ACTIVE on it and {@code stillIdle} says so (asked last, right before the stop, so that
     * a client that connected meanwhile keeps its server), the server is stopped with its data,
     * port and variables kept, and the addon is SLEEPING. Returns whether it did.
     */
    boolean sleep(AddonState state, java.util.function.BooleanSupplier stillIdle) {
        String serverId = state.serverId();
        String id = state.record().id();
        return store.lockedServer(serverId, () -> {
            AddonState latest = store.addon(id).orElse(null);
            boolean shared = servers.server(serverId).map(ServerState::shared).orElse(true);
            if (latest == null || latest.record().status() != Status.ACTIVE || !serverId.equals(latest.serverId())
                    || shared || latest.sleepAfter() == null || !servers.isRunning(serverId)
                    || !stillIdle.getAsBoolean()) {
                // A server found down is the crash watch's, not this one's.
                return false;
            }
            servers.stop(serverId);
            store.locked(() -> transition(store.addon(id).orElse(latest), Status.SLEEPING, "no client for "
                    + dev.addons.api.AddonSpec.formatSleepAfter(latest.sleepAfter())
                    + "; the first client to connect wakes it", null));
            LOG.info("{} - asleep: no client for {}; its server {} is stopped, its port held", id,
                    dev.addons.api.AddonSpec.formatSleepAfter(latest.sleepAfter()), serverId);
            return true;
        });
    }

    /**
     * Makes sure the addon's server runs (see {@link Servers#revive}) and marks the addon, and
     * every tenant of that server that was down with it, ACTIVE again.
     *
     * @param crashed whether the server went down by itself (recorded as a crash and a restart)
     */
    AddonRecord reviveServerOf(AddonState state, boolean crashed) {
        String serverId = state.serverId();
        Servers.Revival revival = servers.revive(serverId, registry.require(state.record().addon()), crashed);
        if (revival == Servers.Revival.STARTED) {
            CrashPoints.reach("start.serverStarted");
        }
        AddonRecord revived = store.locked(() -> {
            AddonRecord mine = store.addon(state.record().id()).map(AddonState::record).orElse(state.record());
            for (AddonState tenant : store.tenantsOf(serverId)) {
                if (!serverId.equals(tenant.serverId())) {
                    continue;
                }
                Status status = tenant.record().status();
                boolean wasDown = diedWithItsServer(tenant) || status == Status.SLEEPING
                        || status == Status.STOPPED && tenant.record().id().equals(state.record().id());
                if (wasDown || status == Status.FAILED && tenant.record().id().equals(state.record().id())) {
                    AddonState active = transition(tenant, Status.ACTIVE, "", null);
                    if (active.record().id().equals(state.record().id())) {
                        mine = active.record();
                    }
                }
            }
            return mine;
        });
        if (revival == Servers.Revival.STARTED) {
            LOG.info("{} - its server {} is running again on its data", revived.id(), serverId);
        }
        return revived;
    }

    /**
     * Starts again, in parallel, the servers of the addons {@code wanted} accepts that should be
     * running: ACTIVE ones whose server is down and FAILED ones whose server went down (STOPPED
     * addons stay stopped; SLEEPING ones are started only when {@code wakeSleeping}).
     */
    public dev.addons.core.UpResult up(java.util.function.Predicate<AddonRecord> wanted, boolean wakeSleeping,
            java.util.concurrent.Executor executor) {
        java.util.Map<String, java.util.List<AddonState>> byServer = new java.util.LinkedHashMap<>();
        java.util.List<AddonRecord> left = new java.util.ArrayList<>();
        java.util.List<dev.addons.core.UpResult.Failure> failures = new java.util.ArrayList<>();
        for (AddonState state : store.addons()) {
            AddonRecord record = state.record();
            if (!wanted.test(record)) {
                continue;
            }
            Status status = record.status();
            boolean due = status == Status.ACTIVE || diedWithItsServer(state)
                    || status == Status.SLEEPING && wakeSleeping;
            if (!due || state.serverId() == null) {
                if (status != Status.ACTIVE) {
                    left.add(record);
                }
                continue;
            }
            byServer.computeIfAbsent(state.serverId(), id -> new java.util.ArrayList<>()).add(state);
        }
        java.util.List<java.util.concurrent.CompletableFuture<java.util.List<AddonRecord>>> starts =
                new java.util.ArrayList<>();
        for (java.util.List<AddonState> tenants : byServer.values()) {
            starts.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                java.util.List<AddonRecord> done = new java.util.ArrayList<>();
                for (AddonState tenant : tenants) {
                    AddonState latest = store.addon(tenant.record().id()).orElse(tenant);
                    done.add(reviveServerOf(latest, latest.record().status() != Status.SLEEPING));
                }
                return done;
            }, executor));
        }
        java.util.List<AddonRecord> active = new java.util.ArrayList<>();
        java.util.Iterator<java.util.List<AddonState>> groups = byServer.values().iterator();
        for (java.util.concurrent.CompletableFuture<java.util.List<AddonRecord>> start : starts) {
            java.util.List<AddonState> tenants = groups.next();
            try {
                active.addAll(start.join());
            } catch (java.util.concurrent.CompletionException e) {
                Throwable cause = e.getCause();
                String reason = cause instanceof AddonException ? cause.getMessage() : String.valueOf(cause);
                for (AddonState tenant : tenants) {
                    AddonRecord record = store.addon(tenant.record().id()).map(AddonState::record)
                            .orElse(tenant.record());
                    failures.add(new dev.addons.core.UpResult.Failure(record, reason));
                }
            }
        }
        return new dev.addons.core.UpResult(active, failures, left);
    }

    private AddonState require(String app, String environment, String addon) {
        String name = registry.require(addon).descriptor().name();
        return store.find(app, environment, name).orElseThrow(() -> new AddonNotFoundException(
                "App '" + app + "' has no addon '" + name + "' in " + environment));
    }

    private static String describe(AddonRecord record) {
        return record.status().name().toLowerCase(Locale.ROOT)
                + (record.message().isEmpty() ? "" : " (" + record.message() + ")");
    }

    /**
     * Whether the addon can serve now: ACTIVE, its server running and not stopped, its endpoint
     * accepting a connection. Reads; changes nothing.
     */
    public dev.addons.core.Health health(AddonState state) {
        AddonRecord record = state.record();
        dev.addons.core.ServerHistory history = history(state);
        if (record.status() != Status.ACTIVE) {
            return new dev.addons.core.Health(record, false, "it is " + record.status().name().toLowerCase(Locale.ROOT)
                    + (record.message().isEmpty() ? "" : ": " + record.message()), history);
        }
        dev.addons.api.Endpoint[] seen = new dev.addons.api.Endpoint[1];
        Optional<String> problem = servers.whyNotServing(state.serverId(), endpoint -> seen[0] = endpoint);
        return problem.map(p -> new dev.addons.core.Health(record, false, p, history))
                .orElseGet(() -> new dev.addons.core.Health(record, true, "its server " + state.serverId()
                        + " accepts connections on " + seen[0].host() + ":" + seen[0].port(), history));
    }

    /** The restarts and last crash of the addon's server; none when it has no server. */
    public dev.addons.core.ServerHistory history(AddonState state) {
        return servers.server(state.serverId()).map(server -> new dev.addons.core.ServerHistory(server.restarts(),
                server.lastCrash().map(ServerState.Crash::at).orElse(null),
                server.lastCrash().map(ServerState.Crash::reason).orElse("")))
                .orElse(dev.addons.core.ServerHistory.NONE);
    }

    /** Whether the addon is FAILED because its server was found not running. */
    static boolean diedWithItsServer(AddonState state) {
        return state.serverId() != null && state.failedIn(AddonState.Cause.SERVER_DOWN);
    }

    /** Waits for another thread's or process's creation of the addon to end. */
    public AddonRecord await(String id, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            AddonRecord record = store.addon(id).map(AddonState::record).orElseThrow(() ->
                    new ProvisioningException("Addon " + id + " was destroyed while waiting for it"));
            if (record.status() == Status.ACTIVE) {
                return record;
            }
            if (record.status() == Status.FAILED) {
                throw new ProvisioningException(record.addon() + " of " + record.app() + "/" + record.environment()
                        + " failed: " + record.message());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new ProvisioningException(record.addon() + " of " + record.app() + "/" + record.environment()
                        + " is still " + record.status().name().toLowerCase(Locale.ROOT) + " after " + timeout);
            }
            pause();
        }
    }

    AddonState transition(AddonState state, Status next, String message, Owner owner) {
        return save(state, next, state.withStatus(next, message, owner));
    }

    /** Marks the addon FAILED for {@code cause}, {@code message} saying why. */
    AddonState fail(AddonState state, AddonState.Cause cause, String message) {
        return save(state, Status.FAILED, state.failed(cause, message));
    }

    private AddonState save(AddonState state, Status next, AddonState moved) {
        Status from = state.record().status();
        if (from != next && !from.canMoveTo(next)) {
            throw new IllegalStateException(state.record().id() + " cannot move from " + from + " to " + next);
        }
        store.save(moved);
        if (from != next) {
            listeners.fire(moved.record(), from);
        }
        return moved;
    }

    /**
     * Waits between two reads of a record another thread or process is provisioning. Its progress
     * is only visible in the state file, which offers no notification across processes (a
     * WatchService misses atomic renames on some file systems), so this polls.
     */
    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AddonException("Interrupted while waiting for an addon", e);
        }
    }

    /**
     * What a create found: a record it made or took over ({@code mine}), one whose server is down
     * and is to be started again on its data ({@code revive}), or one another thread or process
     * owns or that is there already.
     */
    private record Claim(AddonState state, boolean mine, boolean revive) {
    }
}
