package dev.addons.core.internal;

import dev.addons.api.AddonRecord;
import dev.addons.api.Endpoint;
import dev.addons.api.ProvisioningException;
import dev.addons.api.Status;
import dev.addons.core.internal.process.ProcessRuntime;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts idle servers to sleep and wakes them for their next client. An ACTIVE addon with a
 * {@code sleep_after} on a dedicated server of the process runtime whose port has had no
 * established connection for that long is {@linkplain AddonLifecycle#sleep put to sleep}; then,
 * and for every SLEEPING addon when the watch starts (a supervisor that ended left their ports
 * unheld), its port is held by a {@link PortHold}, which starts the server when a client
 * connects and hands it the connection. Closing releases the ports; the addons stay SLEEPING
 * ({@code addons up} wakes them). Ticks run on the supervisor's thread; wakes on the holds'.
 */
public final class SleepWatch implements Watch {
    private static final Logger LOG = LoggerFactory.getLogger(SleepWatch.class);

    private final StateStore store;
    private final AddonLifecycle lifecycle;
    private final LongSupplier nanoClock;
    /** When each ACTIVE addon that may sleep was last seen with a client (System.nanoTime()). */
    private final Map<String, Long> lastSeenBusy = new HashMap<>();
    /** The ports held, by addon id. */
    private final Map<String, PortHold> holds = new ConcurrentHashMap<>();
    /** Addons whose port could not be held, so that it is logged once. */
    private final Set<String> unholdable = new HashSet<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    public SleepWatch(StateStore store, AddonLifecycle lifecycle) {
        this(store, lifecycle, System::nanoTime);
    }

    SleepWatch(StateStore store, AddonLifecycle lifecycle, LongSupplier nanoClock) {
        this.store = store;
        this.lifecycle = lifecycle;
        this.nanoClock = nanoClock;
    }

    @Override
    public String name() {
        return "sleep";
    }

    /** Holds the ports of the addons already asleep. */
    @Override
    public void start() {
        tick();
    }

    @Override
    public synchronized void tick() {
        if (closed.get()) {
            return;
        }
        Map<Integer, Integer> connections;
        try {
            connections = TcpConnections.byLocalPort();
        } catch (IOException e) {
            LOG.warn("Cannot read this host's TCP connections, so no server sleeps: {}", e.toString());
            return;
        }
        long now = nanoClock.getAsLong();
        Set<String> seen = new HashSet<>();
        for (AddonState state : store.addons()) {
            String id = state.record().id();
            seen.add(id);
            Optional<Endpoint> endpoint = endpointOf(state);
            if (endpoint.isEmpty()) {
                continue;
            }
            Status status = state.record().status();
            PortHold hold = holds.get(id);
            if (hold != null && hold.done()) {
                holds.remove(id).close();
                hold = null;
            }
            if (status == Status.SLEEPING) {
                if (hold == null) {
                    hold(state, endpoint.get());
                }
            } else if (status == Status.ACTIVE && state.sleepAfter() != null && hold == null) {
                int port = endpoint.get().port();
                if (connections.getOrDefault(port, 0) > 0) {
                    lastSeenBusy.put(id, now);
                    continue;
                }
                long idle = now - lastSeenBusy.computeIfAbsent(id, k -> now);
                if (idle >= state.sleepAfter().toNanos() && sleep(state, port)) {
                    lastSeenBusy.remove(id);
                    hold(store.addon(id).orElse(state), endpoint.get());
                }
            } else {
                lastSeenBusy.remove(id);
            }
        }
        lastSeenBusy.keySet().retainAll(seen);
        unholdable.retainAll(seen);
        for (Iterator<Map.Entry<String, PortHold>> it = holds.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, PortHold> entry = it.next();
            // Woken, destroyed, or started by someone else: nothing to wake any more. (Closing a
            // hold that is handing its clients over only closes its listener, closed already.)
            boolean asleep = store.addon(entry.getKey()).map(s -> s.record().status() == Status.SLEEPING)
                    .orElse(false);
            if (!asleep) {
                entry.getValue().close();
                it.remove();
            }
        }
    }

    private boolean sleep(AddonState state, int port) {
        try {
            return lifecycle.sleep(state, () -> {
                try {
                    return TcpConnections.on(port) == 0;
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("{} - could not put it to sleep: {}", state.record().id(), e.toString());
            return false;
        }
    }

    private void hold(AddonState state, Endpoint endpoint) {
        String id = state.record().id();
        try {
            holds.put(id, PortHold.open(id, endpoint, () -> wake(id)));
            unholdable.remove(id);
            LOG.debug("{} - holding {} while it sleeps", id, endpoint);
        } catch (IOException e) {
            if (unholdable.add(id)) {
                LOG.warn("{} - asleep, but its port {} cannot be held ({}); it wakes with addons start or up",
                        id, endpoint, e.toString());
            }
        }
    }

    /** Starts the sleeping addon's server again on its data and port; where it listens now. */
    private Endpoint wake(String id) {
        AddonState state = store.addon(id).orElseThrow(() ->
                new ProvisioningException("Addon " + id + " was destroyed while it slept"));
        AddonRecord woken = lifecycle.reviveServerOf(state, false);
        LOG.debug("{} - awake: {}", id, woken.status());
        return store.addon(id).flatMap(this::endpointOf).orElseThrow(() ->
                new ProvisioningException("Addon " + id + " has no server after waking"));
    }

    /** The endpoint of the addon's dedicated process-runtime server, which alone may sleep. */
    private Optional<Endpoint> endpointOf(AddonState state) {
        if (state.serverId() == null || !state.record().runtime().equals(ProcessRuntime.NAME)) {
            return Optional.empty();
        }
        return store.server(state.serverId()).filter(server -> !server.shared() && server.running() != null)
                .map(server -> server.running().endpoint());
    }

    /** Releases the ports held; the addons stay asleep. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        holds.values().forEach(PortHold::close);
        holds.clear();
    }
}
