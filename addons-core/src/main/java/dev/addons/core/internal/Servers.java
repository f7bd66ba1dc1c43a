package dev.addons.core.internal;

import dev.addons.api.AddonSpec;
import dev.addons.api.Endpoint;
import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.Secrets;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.api.spi.ServerRequest;
import dev.addons.api.spi.ServerTools;
import dev.addons.api.spi.TenantRequest;
import dev.addons.core.internal.process.ProcessRuntime;
import dev.addons.core.runtime.DataFileNotReplacedException;
import dev.addons.core.runtime.Placement;
import dev.addons.core.runtime.ProgressListener;
import dev.addons.core.runtime.RunningServer;
import dev.addons.core.runtime.ServerRuntime;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers of a home: starts a dedicated server per addon, keeps one shared server per engine
 * and version (started with its first tenant, removed with its last), and records each in the
 * state store before and after it starts, so that a later process can find or clean it.
 * Registered external servers ({@link ExternalServers}) are joined as shared ones; what is done
 * to a recorded server goes through its {@link ServerHost}, which for them ({@link ExternalRuntime})
 * never starts, restarts, checks, stops or deletes them: only their tenants come and go.
 * Thread-safe; a shared server's start and its tenants' arrival and departure are serialized by
 * that server's lock. Dedicated servers are asked for as throwaway ones when this instance was
 * made so (see {@link dev.addons.api.spi.ServerRequest#throwaway()}); shared servers never are,
 * as they hold other apps' data too.
 */
public final class Servers {
    private static final Logger LOG = LoggerFactory.getLogger(Servers.class);

    private final StateStore store;
    private final Runtimes runtimes;
    private final ProgressListener progress;
    private final boolean throwawayServers;
    private final ServerHost external = new ExternalRuntime();

    public Servers(StateStore store, Runtimes runtimes, ProgressListener progress, boolean throwawayServers) {
        this.store = store;
        this.runtimes = runtimes;
        this.progress = progress;
        this.throwawayServers = throwawayServers;
    }

    /** A server an addon's tenant is being created on. */
    record Lease(ServerState server, ServerAccess access) {
    }

    /** Starts a new server for {@code state}'s addon alone. */
    Lease startDedicated(ResolvedSpec spec, AddonState state) {
        return startDedicated(spec, state, Attach.TENANT);
    }

    /** Starts a new server for {@code state}'s addon alone, recording it as {@code attach} says. */
    Lease startDedicated(ResolvedSpec spec, AddonState state, Attach attach) {
        ServerState server = start(state.record().id(), spec, false, state, attach);
        return new Lease(server, access(server));
    }

    /** How an addon's record names the server its new tenant is on. */
    @FunctionalInterface
    interface Attach {
        /** The addon's own tenant. */
        Attach TENANT = AddonState::withServer;
        /** The tenant a migration is making. */
        Attach MIGRATION = (state, serverId) -> state.withMigration(state.migration().withServer(serverId));

        AddonState apply(AddonState state, String serverId);
    }

    /**
     * Finds, or starts, the shared server for the spec's engine, version and runtime, and joins
     * it. Process servers keep the id they had before there were other runtimes.
     */
    Lease joinShared(ResolvedSpec spec, AddonState state) {
        return joinShared(spec, state, Attach.TENANT);
    }

    /** {@link #joinShared(ResolvedSpec, AddonState)}, recording the server as {@code attach} says. */
    Lease joinShared(ResolvedSpec spec, AddonState state, Attach attach) {
        if (spec.server() != null) {
            return joinExternal(spec.server(), state, attach);
        }
        String runtimeName = spec.runtime().name();
        String serverId = spec.provider().descriptor().name() + "-shared-" + idPart(spec.version())
                + (runtimeName.equals(ProcessRuntime.NAME) ? "" : "-" + runtimeName);
        return store.lockedServer(serverId, () -> {
            ServerState server = store.server(serverId).orElse(null);
            if (server != null && !isRunning(server)) {
                List<String> apps = otherTenants(serverId, state);
                if (!apps.isEmpty()) {
                    throw new ProvisioningException("The shared " + spec.provider().descriptor().name() + " server " + serverId
                            + " is not running; the addons on it: " + apps);
                }
                LOG.warn("{} - shared server found dead with no tenants; replacing it", serverId);
                destroy(server);
                server = null;
            }
            if (server == null) {
                server = start(serverId, spec, true, null, attach);
            }
            store.locked(() -> {
                store.save(attach.apply(store.addon(state.record().id()).orElse(state), serverId));
                return null;
            });
            return new Lease(server, access(server));
        });
    }

    /** Joins a registered external server: nothing is started, the tenant is made on it as it is. */
    private Lease joinExternal(String serverId, AddonState state, Attach attach) {
        return store.lockedServer(serverId, () -> {
            ServerState server = store.server(serverId).filter(ExternalServers::isExternal).orElseThrow(() ->
                    new ProvisioningException("The external server " + serverId + " is no longer registered"));
            store.locked(() -> {
                store.save(attach.apply(store.addon(state.record().id()).orElse(state), serverId));
                return null;
            });
            return new Lease(server, access(server));
        });
    }

    /** Undoes a lease after the tenant could not be created; failures are added to {@code cause}. */
    void release(Lease lease, TenantRequest tenant, AddonProvider provider, RuntimeException cause) {
        try {
            if (lease.server().shared()) {
                leaveShared(lease.server(), tenant, Binding.of(), provider, lease.access());
            } else {
                destroy(lease.server());
            }
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /** Removes an addon's tenant and, for a dedicated server or a shared one left empty, the server. */
    void removeTenant(AddonState state, TenantRequest tenant, AddonProvider provider) {
        ServerState server = store.server(state.serverId()).orElse(null);
        if (server == null) {
            return;
        }
        if (!server.shared()) {
            destroy(server);
            return;
        }
        Binding binding = new Binding(state.binding());
        // The tenant goes first, outside the server's lock, so that tenants of one server are removed
        // at once rather than in turn (each PostgreSQL DROP DATABASE forces a checkpoint, which drops
        // running together share). Its record names the server until leaveShared, so no other removal
        // takes the server away meanwhile; a server stopped meanwhile fails this removal, which the
        // record says and a retry finishes (deprovisioning is idempotent).
        boolean removed = isRunning(server);
        if (removed) {
            provider.deprovision(tenant, binding, access(server));
        }
        store.lockedServer(server.serverId(), () -> {
            ServerAccess access = !removed && isRunning(server) ? access(server) : null;
            if (!removed && access == null && !otherTenants(server.serverId(), state).isEmpty()) {
                throw new ProvisioningException("The shared server " + server.serverId()
                        + " is not running, so the tenant's database cannot be dropped");
            }
            leaveShared(server, tenant, binding, provider, access);
            return null;
        });
    }

    private void leaveShared(ServerState server, TenantRequest tenant, Binding binding, AddonProvider provider,
            ServerAccess access) {
        store.lockedServer(server.serverId(), () -> {
            if (access != null) {
                provider.deprovision(tenant, binding, access);
            }
            store.locked(() -> {
                store.addon(tenant.addonId()).ifPresent(s -> {
                    if (server.serverId().equals(s.serverId())) {
                        store.save(s.withServer(null));
                    } else if (s.migration() != null && server.serverId().equals(s.migration().serverId())) {
                        store.save(s.withMigration(null));
                    }
                });
                return null;
            });
            if (store.tenantsOf(server.serverId()).isEmpty() && !hostOf(server).outlivesItsTenants()) {
                LOG.info("{} - last tenant gone; removing the shared server", server.serverId());
                destroy(server);
            }
            return null;
        });
    }

    private ServerState start(String serverId, ResolvedSpec spec, boolean shared, AddonState owner, Attach attach) {
        String adminPassword = Secrets.password();
        boolean throwaway = throwawayServers && !shared;
        ServerDefinition definition = spec.provider().server(
                ServerRequest.builder(spec.version()).adminPassword(adminPassword).throwaway(throwaway).build());
        ServerRuntime runtime = spec.runtime();
        ServerState starting = new ServerState(serverId, spec.provider().descriptor().name(), spec.version(), runtime.name(),
                shared, definition.adminUser(), adminPassword, null, Instant.now(), AddonState.Owner.current(),
                throwaway);
        Placement placement = shared ? Placement.shared(spec.provider().descriptor().name())
                : Placement.dedicated(owner.record().app(), owner.record().environment(), spec.provider().descriptor().name());
        store.locked(() -> {
            store.save(starting);
            if (owner != null) {
                store.save(attach.apply(store.addon(owner.record().id()).orElse(owner), serverId));
            }
            return null;
        });
        RunningServer running;
        try {
            running = claimWarm(serverId, definition, runtime)
                    .orElseGet(() -> runtime.start(serverId, definition, placement, progress));
        } catch (RuntimeException e) {
            store.deleteServer(serverId);
            throw e;
        }
        ServerState started = starting.withRunning(running);
        store.save(started);
        keepWarm(spec.provider(), spec.version(), runtime);
        return started;
    }

    /** A warm server of the definition's engine and version made {@code serverId}, when the runtime keeps them. */
    private java.util.Optional<RunningServer> claimWarm(String serverId, ServerDefinition definition,
            ServerRuntime runtime) {
        if (runtime instanceof ProcessRuntime process && process.warmSize(definition.engine(), definition.version()) > 0) {
            return process.claimWarm(serverId, definition, progress);
        }
        return java.util.Optional.empty();
    }

    /** Has the runtime start, in the background, the warm servers of the engine's version its pool lacks. */
    public void keepWarm(AddonProvider provider, String version, ServerRuntime runtime) {
        String engine = provider.descriptor().name();
        if (runtime instanceof ProcessRuntime process && process.warmSize(engine, version) > 0) {
            process.keepWarm(engine, version, () -> warmDefinition(provider, version));
        }
    }

    /**
     * The pools the process runtime's settings name ({@code process.warm.<engine>[.<version>]}),
     * each as the provider and version it is for: an engine named alone stands for its default
     * version on the process runtime. A name no provider has is refused.
     */
    public List<Map.Entry<AddonProvider, String>> namedWarmPools(ProviderRegistry registry) {
        ProcessRuntime process = (ProcessRuntime) runtimes.get(ProcessRuntime.NAME);
        List<Map.Entry<AddonProvider, String>> pools = new java.util.ArrayList<>();
        for (String name : process.warmSettings().keySet()) {
            int dot = name.indexOf('.');
            String engine = dot < 0 ? name : name.substring(0, dot);
            AddonProvider provider = registry.find(engine).orElseThrow(() -> new dev.addons.api.InvalidSpecException(
                    ProcessRuntime.WARM_SETTING + "." + name + " names no engine here: '" + engine + "'. Allowed: "
                            + registry.all().stream().map(p -> p.descriptor().name()).sorted().toList()));
            String version = dot < 0 ? process.defaultVersion(provider) : name.substring(dot + 1);
            pools.add(Map.entry(provider, requireWarmable(provider, version, ProcessRuntime.WARM_SETTING + "." + name)));
        }
        return pools;
    }

    /** A warm server's definition: durable, with an admin password of its own until it is claimed. */
    private static ServerDefinition warmDefinition(AddonProvider provider, String version) {
        return provider.server(ServerRequest.builder(version).adminPassword(Secrets.password()).build());
    }

    /** Starts, in this thread, the warm servers the pool lacks; returns how many. */
    public int fillWarm(AddonProvider provider, String version, ProgressListener listener) {
        ProcessRuntime process = (ProcessRuntime) runtimes.get(ProcessRuntime.NAME);
        requireWarmable(provider, version, "the warm pool " + provider.descriptor().name() + "/" + version);
        return process.fillWarm(provider.descriptor().name(), version, () -> warmDefinition(provider, version),
                listener);
    }

    /** {@code version}, when the provider offers it; else refused naming {@code what} and the versions offered. */
    private static String requireWarmable(AddonProvider provider, String version, String what) {
        List<String> versions = provider.descriptor().versions();
        if (!versions.contains(version)) {
            throw new dev.addons.api.InvalidSpecException(what + " names " + provider.descriptor().name()
                    + " version '" + version + "', which it does not offer. Allowed: " + versions);
        }
        return version;
    }

    /**
     * Replaces a recorded server with a new one on the same data (see {@link ServerRuntime#restart})
     * and records where it now is. Its tenants keep their databases and credentials.
     */
    ServerState restart(String serverId, AddonProvider provider) {
        return store.lockedServer(serverId, () -> {
            ServerState server = store.server(serverId).orElseThrow(() ->
                    new ProvisioningException("Server " + serverId + " is not recorded in this addons home"));
            if (server.running() == null) {
                throw new ProvisioningException("Server " + serverId + " has not finished starting");
            }
            RunningServer running = hostOf(server).restart(server.running(), () -> provider.server(server.request()),
                    progress);
            ServerState restarted = server.withRunning(running);
            store.save(restarted);
            return restarted;
        });
    }

    /** How {@link #revive} found a server. */
    enum Revival {
        /** It was running and serving: nothing was done. */
        RUNNING,
        /** It was down, and was started again on its data. */
        STARTED
    }

    /** A server's data is gone, so it cannot be started again: only made anew. */
    static final class DataGoneException extends ProvisioningException {
        private static final long serialVersionUID = 1L;

        DataGoneException(String message) {
            super(message);
        }
    }

    /** Lines of the engine's log kept with a crash. */
    private static final int CRASH_LOG_LINES = 10;

    /**
     * Makes sure a recorded server runs and serves: one that is down (died, killed, stopped on
     * purpose, asleep) or stopped with SIGSTOP is started again on its data, on its port when that
     * is free (see {@link ServerRuntime#restart}). When {@code crashed}, the time and why (its
     * engine's last log lines) are recorded as a crash and the restart counted. Under the server's
     * lock, so that two threads or processes bringing it back start it once.
     *
     * @throws DataGoneException when its data is gone (nothing is changed then)
     */
    Revival revive(String serverId, AddonProvider provider, boolean crashed) {
        return store.lockedServer(serverId, () -> {
            ServerState server = store.server(serverId).orElseThrow(() ->
                    new ProvisioningException("Server " + serverId + " is not recorded in this addons home"));
            if (server.running() == null) {
                throw new ProvisioningException("Server " + serverId + " has not finished starting");
            }
            ServerHost runtime = hostOf(server);
            boolean running = runtime.isRunning(server.running());
            if (running && runtime.whyNotServing(server.running()).isEmpty()) {
                return Revival.RUNNING;
            }
            if (!running && !runtime.hasData(server.running())) {
                throw new DataGoneException("the data of server " + serverId + " is gone (its directory or volume"
                        + " was deleted outside addons), so it cannot be started again on it");
            }
            ServerState before = server;
            if (crashed) {
                String tail = runtime.logTail(server.running(), CRASH_LOG_LINES);
                String reason = (running ? "found not serving: " + runtime.whyNotServing(server.running()).orElse("")
                        : "found not running") + (tail.isBlank() ? "" : "; last lines of its log:\n" + tail);
                before = server.withCrash(Instant.now(), reason);
                store.save(before);
            }
            RunningServer again = runtime.restart(server.running(), () -> provider.server(server.request()), progress);
            store.save(crashed ? before.restartedAs(again) : before.withRunning(again));
            LOG.info("{} - started again on its data{}", serverId,
                    again.endpoint().equals(server.running().endpoint()) ? ""
                            : " on " + again.endpoint() + " (its former port was taken; the variables follow)");
            return Revival.STARTED;
        });
    }

    /** Stops a recorded server and keeps its data, to be {@linkplain #revive started again} later. */
    void stop(String serverId) {
        store.lockedServer(serverId, () -> {
            ServerState server = store.server(serverId).orElseThrow(() ->
                    new ProvisioningException("Server " + serverId + " is not recorded in this addons home"));
            if (server.running() == null) {
                throw new ProvisioningException("Server " + serverId + " has not finished starting");
            }
            hostOf(server).stop(server.running());
            return null;
        });
    }

    /** The recorded server, if any. */
    java.util.Optional<ServerState> server(String serverId) {
        return serverId == null ? java.util.Optional.empty() : store.server(serverId);
    }

    /**
     * The engine tools of a recorded server, for {@code provider}'s backups and restores: run by
     * the server's runtime, and data files replaced under the server's lock with the new
     * endpoint recorded.
     */
    ServerTools tools(String serverId, AddonProvider provider) {
        ServerState server = store.server(serverId).orElseThrow(() ->
                new ProvisioningException("Server " + serverId + " is not recorded in this addons home"));
        if (server.running() == null) {
            throw new ProvisioningException("Server " + serverId + " has not finished starting");
        }
        ServerRuntime runtime = hostOf(server).tools(serverId);
        ServerDefinition definition = provider.server(server.request());
        return new ServerTools() {
            @Override
            public Endpoint endpoint() {
                return runtime.toolEndpoint(current().running(), definition);
            }

            @Override
            public void run(List<String> command, Map<String, String> environment, InputStream stdin,
                    OutputStream stdout) {
                if (command.isEmpty()) {
                    throw new IllegalArgumentException("command is empty");
                }
                runtime.exec(current().running(), definition, List.copyOf(command), Map.copyOf(environment), stdin,
                        stdout);
                CrashPoints.reach("tools.after." + command.get(0));
            }

            @Override
            public void replaceDataFile(String relativePath, InputStream content) {
                DataFiles.check(relativePath);
                store.lockedServer(serverId, () -> {
                    ServerState now = current();
                    RunningServer running;
                    try {
                        running = runtime.replaceDataFile(now.running(), definition, relativePath, content, progress);
                    } catch (DataFileNotReplacedException e) {
                        store.save(now.withRunning(e.server())); // Running again on the old file, as a new process.
                        throw e;
                    }
                    store.save(now.withRunning(running));
                    return null;
                });
            }

            @Override
            public java.util.Optional<java.nio.file.Path> dataDirectory() {
                return runtime.dataDirectory(current().running());
            }

            @Override
            public void replaceDataDirectory(dev.addons.api.spi.ProcessRecipe.Initializer writer) {
                java.util.Objects.requireNonNull(writer, "writer == null");
                store.lockedServer(serverId, () -> {
                    ServerState now = current();
                    RunningServer running;
                    try {
                        running = runtime.replaceDataDirectory(now.running(), definition, writer, progress);
                    } catch (DataFileNotReplacedException e) {
                        store.save(now.withRunning(e.server())); // Running again on the old data, as a new process.
                        throw e;
                    }
                    store.save(now.withRunning(running));
                    return null;
                });
            }

            private ServerState current() {
                return store.server(serverId).filter(s -> s.running() != null).orElseThrow(() ->
                        new ProvisioningException("Server " + serverId + " is gone"));
            }
        };
    }

    /** Stops a server, deletes its data and forgets it. */
    void destroy(ServerState server) {
        if (server.running() != null) {
            hostOf(server).destroy(server.running());
            CrashPoints.reach("server.destroyed");
        } else {
            LOG.warn("{} - never finished starting; forgetting it", server.serverId());
        }
        store.deleteServer(server.serverId());
    }

    /**
     * Whether {@code serverId} names a recorded server this home runs (not a registered one),
     * which {@link #destroyWhole} may destroy with its tenants on it.
     */
    boolean runsWhole(String serverId) {
        return store.server(serverId).filter(server -> !hostOf(server).outlivesItsTenants()).isPresent();
    }

    /**
     * Destroys the recorded servers {@code serverIds} at once, each whole with whatever tenants it
     * holds (none is deprovisioned first), each on a thread of its own; returns why each one that
     * could not be destroyed could not, by id.
     */
    Map<String, RuntimeException> destroyWhole(java.util.Collection<String> serverIds) {
        Map<String, RuntimeException> failures = new java.util.concurrent.ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        for (String serverId : serverIds) {
            Thread thread = new Thread(() -> {
                try {
                    store.lockedServer(serverId, () -> {
                        store.server(serverId).ifPresent(this::destroy);
                        return null;
                    });
                } catch (RuntimeException e) {
                    failures.put(serverId, e);
                }
            }, "addons-destroy-" + serverId);
            thread.start();
            threads.add(thread);
        }
        boolean interrupted = false;
        for (Thread thread : threads) {
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the destroys under way finish; the caller hears it after
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return failures;
    }

    /** How to reach a recorded server as its administrator. */
    ServerAccess access(String serverId) {
        ServerState server = store.server(serverId).orElseThrow(() ->
                new ProvisioningException("Server " + serverId + " is not recorded in this addons home"));
        return access(server);
    }

    private ServerAccess access(ServerState server) {
        if (server.running() == null) {
            throw new ProvisioningException("Server " + server.serverId() + " has not finished starting");
        }
        return new ServerAccess(server.serverId(), server.running().endpoint(), server.adminUser(),
                server.adminPassword(), server.running().extraEndpoints(), ExternalServers.owner(store.homeId()),
                hostOf(server).options(server.running()));
    }

    /**
     * Why a recorded server cannot serve now, or empty when it runs and accepts a TCP connection
     * on its endpoint; {@code serving} hears where it answered.
     */
    java.util.Optional<String> whyNotServing(String serverId, java.util.function.Consumer<Endpoint> serving) {
        ServerState server = store.server(serverId).orElse(null);
        if (server == null || server.running() == null) {
            return java.util.Optional.of("its server " + serverId + " is not recorded as started");
        }
        if (!isRunning(server)) {
            return java.util.Optional.of("its server " + serverId + " is not running");
        }
        java.util.Optional<String> seen = hostOf(server).whyNotServing(server.running());
        if (seen.isPresent()) {
            return java.util.Optional.of("its server " + serverId + ": " + seen.get());
        }
        Endpoint endpoint = server.running().endpoint();
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(endpoint.host(), endpoint.port()), 2_000);
        } catch (java.io.IOException e) {
            return java.util.Optional.of("its server " + serverId + " does not accept connections on " + endpoint.host()
                    + ":" + endpoint.port() + ": " + e.getMessage());
        }
        serving.accept(endpoint);
        return java.util.Optional.empty();
    }

    boolean isRunning(String serverId) {
        return store.server(serverId).map(this::isRunning).orElse(false);
    }

    /** Whether it runs; an external server is taken to, as addons does not watch it. */
    private boolean isRunning(ServerState server) {
        return server.running() != null && hostOf(server).isRunning(server.running());
    }

    /**
     * Where {@code server} runs: the runtime that started it, whichever new servers start on, or,
     * for a registered external server, {@link ExternalRuntime}.
     */
    private ServerHost hostOf(ServerState server) {
        return ExternalRuntime.NAME.equals(server.runtime()) ? external : ServerHost.of(runtimes.get(server.runtime()));
    }

    private List<String> otherTenants(String serverId, AddonState self) {
        return store.tenantsOf(serverId).stream()
                .filter(s -> !s.record().id().equals(self.record().id()))
                .map(s -> s.record().app() + "/" + s.record().environment())
                .toList();
    }

    /** A version as part of a server id: as is when it is a plain version, hashed when an image. */
    static String idPart(String version) {
        if (!AddonSpec.isImageReference(version) && version.matches("[a-z0-9.]+")) {
            return version;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(version.getBytes(StandardCharsets.UTF_8));
            return "image-" + HexFormat.of().formatHex(digest, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
