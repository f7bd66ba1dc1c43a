package dev.addons.core;

import dev.addons.api.Endpoint;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.core.runtime.Availability;
import dev.addons.core.runtime.Placement;
import dev.addons.core.runtime.ProgressListener;
import dev.addons.core.runtime.RunningServer;
import dev.addons.core.runtime.ServerRuntime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory runtime double for testing the lifecycle logic: its "servers" are map entries.
 * Real servers are tested in the engine modules against real engines.
 */
final class FakeRuntime implements ServerRuntime {
    private static final Map<String, Map<String, String>> TENANTS = new ConcurrentHashMap<>();
    private static final Map<String, Map<String, String>> ROWS = new ConcurrentHashMap<>();
    private static final Map<String, Map<String, Integer>> LIMITS = new ConcurrentHashMap<>();
    private static final AtomicInteger PORTS = new AtomicInteger(20000);

    /** Run by the fake provider right after a restore: a stand-in for a write racing it. */
    static volatile Runnable afterRestore = () -> { };

    /** The server ids this double says it holds besides its running ones, as after a crash. */
    final java.util.List<String> held = new java.util.concurrent.CopyOnWriteArrayList<>();

    final Map<String, RunningServer> running = new ConcurrentHashMap<>();
    final AtomicInteger starts = new AtomicInteger();
    final AtomicInteger destroys = new AtomicInteger();

    static Map<String, String> tenants(String serverId) {
        return TENANTS.computeIfAbsent(serverId, id -> new ConcurrentHashMap<>());
    }

    /** The connection limit of each tenant of a shared server, by tenant: what the fake provider applies. */
    static Map<String, Integer> connectionLimits(String serverId) {
        return LIMITS.computeIfAbsent(serverId, id -> new ConcurrentHashMap<>());
    }

    /** The "rows" of a tenant on a server: what the fake provider backs up and restores. */
    static Map<String, String> rows(String serverId, String tenant) {
        return ROWS.computeIfAbsent(serverId + "/" + tenant, id -> new ConcurrentHashMap<>());
    }

    @Override
    public String name() {
        return "process";
    }

    @Override
    public Availability availability(ServerDefinition definition) {
        return definition.processRecipe().isPresent()
                ? new Availability(Availability.State.INSTALLED, "in memory")
                : new Availability(Availability.State.UNAVAILABLE, "custom images need the container runtime");
    }

    @Override
    public RunningServer start(String serverId, ServerDefinition definition, Placement placement,
            ProgressListener progress) {
        if (definition.processRecipe().isEmpty()) {
            throw new InvalidSpecException("custom images need the container runtime");
        }
        starts.incrementAndGet();
        RunningServer server = new RunningServer(serverId, name(), new Endpoint("127.0.0.1", PORTS.incrementAndGet()),
                Map.of("fake", "yes"));
        running.put(serverId, server);
        return server;
    }

    /** Removes the held ids {@code isKnown} rejects. */
    @Override
    public java.util.List<String> removeStrays(java.util.function.Predicate<String> isKnown) {
        java.util.List<String> removed = held.stream().filter(id -> !isKnown.test(id)).toList();
        held.removeAll(removed);
        return removed;
    }

    @Override
    public boolean isRunning(RunningServer server) {
        return running.containsKey(server.serverId());
    }

    /** Starts the "server" again on its data, on the same port. */
    @Override
    public RunningServer restart(RunningServer server, ServerDefinition definition, ProgressListener progress) {
        starts.incrementAndGet();
        running.put(server.serverId(), server);
        return server;
    }

    /** Servers whose destroy this double refuses, as a runtime that cannot remove a server's data. */
    volatile java.util.function.Predicate<String> undestroyable = serverId -> false;

    @Override
    public void destroy(RunningServer server) {
        if (undestroyable.test(server.serverId())) {
            throw new dev.addons.api.ProvisioningException("cannot delete the data of " + server.serverId());
        }
        if (running.remove(server.serverId()) != null) {
            destroys.incrementAndGet();
        }
        TENANTS.remove(server.serverId());
        ROWS.keySet().removeIf(key -> key.startsWith(server.serverId() + "/"));
    }

    @Override
    public void close() {
    }
}
