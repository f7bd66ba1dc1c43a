package dev.addons.core;

import dev.addons.api.AddonNotFoundException;
import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.Credentials;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.ProvisioningException;
import dev.addons.api.StatusListener;
import dev.addons.api.Variant;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.BackupCapability;
import dev.addons.api.spi.ProviderDescriptor;
import dev.addons.api.spi.ServerRequest;
import dev.addons.core.internal.AddonLifecycle;
import dev.addons.core.internal.AddonState;
import dev.addons.core.internal.AppFileParser;
import dev.addons.core.internal.Backups;
import dev.addons.core.internal.ExternalServers;
import dev.addons.core.internal.Listeners;
import dev.addons.core.internal.Migrations;
import dev.addons.core.internal.Operations;
import dev.addons.core.internal.ProviderRegistry;
import dev.addons.core.internal.RuntimeFactories;
import dev.addons.core.internal.Runtimes;
import dev.addons.core.internal.Servers;
import dev.addons.core.internal.StateStore;
import dev.addons.core.internal.TenantCopies;
import dev.addons.core.internal.process.ProcessRuntime;
import dev.addons.core.runtime.ProgressListener;
import dev.addons.core.runtime.RuntimeContext;
import dev.addons.core.runtime.ServerRuntime;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The entry point to an addons home: what can be created, the {@linkplain #app apps} whose
 * addons it holds, deploys of app files, external servers, reconciling and supervising.
 * Thread-safe; several {@code Addons} (in this or other processes) may share one home.
 * Servers keep running after {@link #close()}; only destroy stops them.
 *
 * <pre>{@code
 * try (Addons addons = Addons.builder().home(Path.of("/var/lib/addons")).build()) {
 *     App myapp = addons.app("myapp", "production");
 *     myapp.create(AddonSpec.parse("postgresql:shared"));
 *     Credentials vars = myapp.env();
 * }
 * }</pre>
 */
public final class Addons implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Addons.class);
    /** The environment used when none is named. */
    public static final String DEFAULT_ENVIRONMENT = "production";

    private final Path home;
    private final OpenHome open;
    private final ProviderRegistry registry;
    private final Runtimes runtimes;
    private final StateStore store;
    private final AddonLifecycle lifecycle;
    private final Backups backups;
    private final Servers servers;
    private final Deployment deployment;
    private final RestartPolicy restartPolicy;
    private final ExecutorService executor;
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean closed = new AtomicBoolean();
    private Supervisor supervisor;

    private Addons(Builder builder) {
        this.home = builder.home.toAbsolutePath().normalize();
        this.registry = ProviderRegistry.load(builder.classLoader);
        this.store = new StateStore(home);
        store.requireReadable(); // A home of a newer addons is refused before anything runs in it.
        this.runtimes = Runtimes.open(new RuntimeContext(home, builder.cache, builder.runtimeSettings), builder.runtime,
                builder.customRuntime);
        Listeners listeners = new Listeners();
        builder.listeners.forEach(listeners::add);
        Operations operations = new Operations();
        this.servers = new Servers(store, runtimes, builder.progress, builder.throwawayServers);
        this.restartPolicy = builder.restartPolicy;
        this.lifecycle = new AddonLifecycle(store, registry, servers, listeners, operations);
        this.backups = new Backups(home, store, registry, servers, builder.progress, Clock.systemUTC(),
                operations);
        Migrations migrations = new Migrations(store, registry, servers, backups, runtimes::get, builder.progress);
        TenantCopies copies = new TenantCopies(store, registry, lifecycle, runtimes);
        ExternalServers externals = new ExternalServers(store, registry);
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "addons-provision-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        dev.addons.core.internal.Reconciler reconciler = new dev.addons.core.internal.Reconciler(home, store,
                runtimes, registry, servers, lifecycle, migrations, backups.ledger());
        this.open = new OpenHome(home, registry, runtimes, store, listeners, operations, servers, lifecycle, backups,
                migrations, copies, externals, reconciler, builder.progress, executor);
        this.deployment = new Deployment(open);
        try {
            reconcileAll();
            keepNamedWarmPools(builder.runtimeSettings);
        } catch (RuntimeException | Error e) {
            // The first use of the providers: a reconcile may have left them holding connections.
            try {
                registry.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        if (builder.automaticBackups) {
            this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "addons-backups");
                t.setDaemon(true);
                return t;
            });
            scheduler.scheduleWithFixedDelay(this::runDueBackupsQuietly, 1, 1, TimeUnit.MINUTES);
        } else {
            this.scheduler = null;
        }
        if (builder.supervise) {
            try {
                supervise();
            } catch (RuntimeException e) {
                close(); // Refused (another supervisor runs): nothing of this instance outlives it.
                throw e;
            }
        }
    }

    /** A builder with the {@linkplain #defaultHome() default home} and {@linkplain #defaultCache() cache}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The addons home this instance works in. */
    public Path home() {
        return home;
    }

    /**
     * Loads and initializes, in the calling thread, what opening a home and reading its records and
     * app files takes first in a JVM, in the order an {@code Addons} needs it: the providers and
     * runtime factories on the class path (found by their services files, their classes
     * initialized), and Jackson's JSON and TOML mappers (and the JDK's locale data behind their
     * date format). Reads no home. For a process
     * that starts, reads a home and exits, and has other work to do first: the command line calls
     * it on a thread of its own while picocli reads its arguments, 40-60 ms of a command's start (a
     * thread that reaches the same work first waits for it rather than doing it twice).
     * Thread-safe; calling it again does nothing more.
     *
     * @since 0.1.0
     */
    public static void preload() {
        ClassLoader classLoader = Addons.class.getClassLoader();
        ProviderRegistry.preload(classLoader);
        StateStore.preload();
        RuntimeFactories.preload(classLoader);
        AppFileParser.preload();
    }

    /**
     * The runtimes that can be asked for by name besides {@code auto}: {@code process}, then
     * those of other modules on the class path: {@code container} (dev.addons:addons-container),
     * then others (e.g. {@code kubernetes}).
     *
     * @since 0.1.0
     */
    public static List<String> runtimeNames() {
        return Runtimes.names();
    }

    /**
     * The runtime new servers start on, e.g. {@code process} or {@code container}. Under
     * {@code auto}, asking chooses it (see {@link Builder#runtime(String)}).
     */
    public String runtimeName() {
        return runtimes.chosen().name();
    }

    /**
     * Why new servers start on {@link #runtimeName()}: asked for by name, or what {@code auto}
     * found, e.g. {@code auto: a Docker API answered at unix:///run/podman/podman.sock (Podman Engine 4.3.1)}.
     */
    public String runtimeReason() {
        return runtimes.reason();
    }

    /**
     * The addon providers this instance found, and what they declare of their variables.
     *
     * @since 0.3
     */
    public AddonProviders providers() {
        return new AddonProviders(registry);
    }

    /** Every addon that can be created, with versions and their availability on the runtime. */
    public List<AddonInfo> available() {
        return registry.all().stream().map(this::describe).toList();
    }

    /** One addon by name or alias; throws {@link dev.addons.api.AddonNotFoundException}. */
    public AddonInfo info(String addon) {
        return describe(registry.require(addon));
    }

    /** The variants of an addon; throws {@link dev.addons.api.AddonNotFoundException}. */
    public List<Variant> variants(String addon) {
        return registry.require(addon).descriptor().variants();
    }

    /** The variant an addon declared without one gets; throws {@link dev.addons.api.AddonNotFoundException}. */
    public String defaultVariant(String addon) {
        return registry.require(addon).descriptor().defaultVariant();
    }

    /**
     * A handle on {@code app}'s addons in {@code environment} ({@value #DEFAULT_ENVIRONMENT} when
     * {@code null}): create, read, back up and destroy them through it. Cheap; holds nothing.
     * Throws {@link InvalidSpecException} naming what is wrong with a bad app or environment name.
     *
     * @since 0.3
     */
    public App app(String app, String environment) {
        return new App(open, app, environment);
    }

    /**
     * Destroys every addon in this home at once, each with its data and without a final backup:
     * for a home about to be deleted, as a test run's at its end. Each server this home runs goes
     * whole, the servers on threads of their own, with the tenants it holds (a shared server's are
     * not deprovisioned one by one first, which on PostgreSQL costs a checkpoint each); an addon on
     * a registered server ({@link #registerServer}) is deprovisioned as {@link App#destroy} does.
     * Each addon moves to DEPROVISIONING, then DESTROYED, as in a destroy. Refused, with nothing
     * changed, while another thread or process creates or destroys one of them. When a server
     * cannot be destroyed, its addons are FAILED (a destroy of each retries) and the first failure
     * is thrown once the others are done. Returns the destroyed addons' last records.
     *
     * @since 0.4
     */
    public List<AddonRecord> destroyAll() {
        requireNotClosed();
        return lifecycle.destroyAll();
    }

    /**
     * Every addon in this home, by app, environment and name. Like {@link App#list}, it first marks
     * FAILED the active addons whose server is found not running.
     */
    public List<AddonRecord> listAll() {
        open.reconciler.deadServers(store.addons());
        return store.addons().stream().map(AddonState::record).toList();
    }

    /**
     * Brings back, on their data and in parallel, every addon of the home that should be running
     * and is not (its server died, was killed, or the machine rebooted), and waits until each is
     * ACTIVE or has failed to come back. Stopped addons stay stopped; sleeping ones are woken
     * when {@code wakeSleeping} (no supervisor holds their port then). What a machine runs at boot.
     *
     * @param app         only this app's addons; {@code null} for every app
     * @param environment only this environment's; {@code null} for every environment
     * @since 0.1.0
     */
    public UpResult up(String app, String environment, boolean wakeSleeping) {
        String checkedApp = app == null ? null : OpenHome.checkApp(app);
        String checkedEnvironment = environment == null ? null : OpenHome.checkEnvironment(environment);
        return lifecycle.up(record -> (checkedApp == null || record.app().equals(checkedApp))
                && (checkedEnvironment == null || record.environment().equals(checkedEnvironment)),
                wakeSleeping, executor);
    }

    /**
     * Makes an environment's addons match an app file: checks every declared addon first (nothing
     * is provisioned if one is wrong), then provisions the missing ones in parallel and waits
     * until all are ACTIVE, and deprovisions addons the file no longer declares. New servers run
     * on the file's {@code runtime} when it names one, else on this instance's; existing addons
     * keep theirs.
     */
    public DeployResult deploy(AppFile file, String environment) {
        return deploy(file, environment, Removals.KEEP_DATA);
    }

    /**
     * {@link #deploy(AppFile, String)}, with {@code removals} saying what becomes of the addons
     * the file no longer declares: kept when they hold data ({@link Removals#KEEP_DATA}), or
     * removed after a final backup ({@link Removals#PRUNE}) or without one.
     *
     * @since 0.1.0
     */
    public DeployResult deploy(AppFile file, String environment, Removals removals) {
        return deployment.deploy(file, environment, removals);
    }

    /**
     * Registers an existing server, which addons did not start and will never stop, as
     * {@code name}: {@code shared} addons that name it ({@code server = "NAME"} in an app file,
     * {@link AddonSpec#withServer}) get their database and user on it. {@code url} holds its admin
     * credentials, e.g. {@code postgresql://admin:PASSWORD@db.internal:5432/postgres} or
     * {@code mysql://root:PASSWORD@db.internal:3306/}; they are kept in the home's state,
     * owner-only, and appear in no message, log or listing. The server must answer as
     * {@code addon}'s engine with them. Throws {@link InvalidSpecException} for a bad name or URL
     * (the message shows the URL without its password) or a name taken, and
     * {@link ProvisioningException} when the server does not answer.
     *
     * @since 0.1.0
     */
    public ServerInfo registerServer(String name, String addon, String url) {
        return open.externals.register(name, addon, url);
    }

    /**
     * {@link #registerServer(String, String, String)} with {@code options}: whether addons may
     * make server-wide changes there (by default it touches only what it made), and the CA file
     * to verify the server's TLS certificate with (then {@code url} must ask for verified TLS:
     * {@code ?sslmode=verify-full} for PostgreSQL, {@code ?sslMode=VERIFY_IDENTITY} for MySQL);
     * the admin's connections and the tenants' variables then use TLS verified with it.
     *
     * @since 0.3
     */
    public ServerInfo registerServer(String name, String addon, String url,
            dev.addons.api.spi.ServerAccess.External options) {
        return open.externals.register(name, addon, url, options);
    }

    /**
     * The registered external servers, by name, with the addons on each.
     *
     * @since 0.1.0
     */
    public List<ServerInfo> servers() {
        return open.externals.list();
    }

    /**
     * Forgets the external server {@code name} (the server itself is not touched). Refused with
     * {@link ProvisioningException} naming them while addons are on it; throws
     * {@link AddonNotFoundException} when no server has that name.
     *
     * @since 0.1.0
     */
    public ServerInfo removeServer(String name) {
        return open.externals.remove(name);
    }

    /**
     * The process runtime's warm pools: those its settings name ({@code process.warm.<engine>},
     * {@code process.warm.<engine>.<version>}) and those holding warm servers, sorted, each with its
     * size and how many of its servers are ready.
     *
     * @since 0.4
     */
    public List<WarmPool> warmPools() {
        ProcessRuntime process = (ProcessRuntime) runtimes.get(ProcessRuntime.NAME);
        java.util.Map<String, WarmPool> pools = new java.util.TreeMap<>();
        java.util.Map<String, Integer> ready = process.warmServers();
        for (java.util.Map.Entry<AddonProvider, String> pool : servers.namedWarmPools(registry)) {
            String engine = pool.getKey().descriptor().name();
            String key = engine + "/" + pool.getValue();
            pools.put(key, new WarmPool(engine, pool.getValue(), process.warmSize(engine, pool.getValue()),
                    ready.getOrDefault(key, 0)));
        }
        ready.forEach((key, count) -> {
            String[] parts = key.split("/", 2);
            pools.putIfAbsent(key, new WarmPool(parts[0], parts[1], process.warmSize(parts[0], parts[1]), count));
        });
        return List.copyOf(pools.values());
    }

    /**
     * Waits until the warm servers this instance is starting in the background have started (or
     * failed to), at most {@code timeout}, and returns the pools then (see {@link #warmPools()}).
     *
     * @since 0.4
     */
    public List<WarmPool> awaitWarmPools(java.time.Duration timeout) throws InterruptedException {
        requireNotClosed();
        ((ProcessRuntime) runtimes.get(ProcessRuntime.NAME)).awaitWarmStarts(timeout);
        return warmPools();
    }

    /**
     * Starts, in this thread, the warm servers the pools the settings name lack (see
     * {@link #warmPools()}), reporting each start's steps to {@code progress}; returns the pools
     * after. What {@code bin/addons warm} runs.
     *
     * @since 0.4
     */
    public List<WarmPool> fillWarmPools(ProgressListener progress) {
        requireNotClosed();
        for (java.util.Map.Entry<AddonProvider, String> pool : servers.namedWarmPools(registry)) {
            servers.fillWarm(pool.getKey(), pool.getValue(), progress);
        }
        return warmPools();
    }

    /**
     * Starts, in this thread, the warm servers the pool of {@code engine}'s {@code version} lacks
     * (its size from the settings; nothing when 0), reporting each start's steps to
     * {@code progress}; returns how many it started.
     *
     * @since 0.4
     */
    public int fillWarmPool(String engine, String version, ProgressListener progress) {
        requireNotClosed();
        return servers.fillWarm(registry.require(engine), version, progress);
    }

    /**
     * Destroys every warm server of this home that no server has claimed yet (their data goes
     * with them; claimed ones are servers like any other). Returns how many. A pool its settings
     * still name is filled again by the next start of its engine, or {@link #fillWarmPools}.
     *
     * @since 0.4
     */
    public int removeWarmServers() {
        requireNotClosed();
        return ((ProcessRuntime) runtimes.get(ProcessRuntime.NAME)).removeWarm(true).size();
    }

    /** Adds a listener for status transitions made by this instance; close the result to remove it. */
    public Subscription onTransition(StatusListener listener) {
        return open.listeners.add(listener);
    }

    /**
     * Adds a listener for the creates, destroys, backups and restores this instance runs (see
     * {@link OperationListener} for which are heard); close the result to remove it. What
     * metrics time and count (dev.addons:addons-micrometer).
     *
     * @since 0.3
     */
    public Subscription onOperation(OperationListener listener) {
        return open.operations.add(listener);
    }

    /**
     * Takes the automatic backups that are due now (an instance does this every minute unless
     * built with {@code automaticBackups(false)}; a cron job can call it through
     * {@code addons backups --run-due}). Returns how many were taken.
     */
    public int runDueBackups() {
        return backups.runDue();
    }

    private void runDueBackupsQuietly() {
        try {
            backups.runDue();
        } catch (RuntimeException e) {
            LOG.warn("Automatic backups failed: {}", e.toString());
        }
    }

    /**
     * Marks addons whose server died, or whose creation was interrupted, as FAILED and removes
     * what that creation had made; finishes destroys a process that died had begun; forgets
     * servers whose start was interrupted; removes the containers and volumes of this home that
     * no record names (left by a process that crashed while starting one); and cleans up after
     * backups and restores a process that died left half-done (scratch databases and files).
     * Done when an instance is built, too. Returns how many records changed plus what was removed.
     */
    public int reconcile() {
        return reconcileAll();
    }

    /**
     * Has the process runtime start, in the background, the warm servers the pools its settings
     * name lack; nothing, and no process runtime made, when no setting names one.
     */
    private void keepNamedWarmPools(java.util.Map<String, String> settings) {
        String prefix = ProcessRuntime.WARM_SETTING + ".";
        boolean named = settings.keySet().stream().anyMatch(k -> k.startsWith(prefix))
                || System.getProperties().stringPropertyNames().stream()
                        .anyMatch(k -> k.startsWith(RuntimeContext.PROPERTY_PREFIX + prefix));
        if (named) {
            ServerRuntime process = runtimes.get(ProcessRuntime.NAME);
            servers.namedWarmPools(registry).forEach(pool -> servers.keepWarm(pool.getKey(), pool.getValue(), process));
        }
    }

    private void requireNotClosed() {
        if (closed.get()) {
            throw new IllegalStateException("this Addons is closed");
        }
    }

    /** The whole reconcile pass (see {@link dev.addons.core.internal.Reconciler#reconcile}). */
    private int reconcileAll() {
        return open.reconciler.reconcile().changed();
    }

    /**
     * Starts keeping this home's servers up while this instance is open, and returns the
     * {@link Supervisor} doing it; a second call returns the same one while it runs (a new one once
     * it is closed). Closing this instance
     * closes it; servers keep running either way. It starts what should run (as
     * {@link #up(String, String, boolean) up} does, leaving sleeping addons asleep), starts again
     * servers that die, as the {@linkplain Builder#restartPolicy restart policy} says, and, when
     * this instance takes no {@linkplain Builder#automaticBackups automatic backups} itself, takes
     * the scheduled backups that are due.
     *
     * @throws dev.addons.api.AddonException when a supervisor already runs for this home, in this
     *         or another process (one per home at a time); the message names its process id
     * @since 0.1.0
     */
    public synchronized Supervisor supervise() {
        requireNotClosed();
        if (supervisor == null || !supervisor.isRunning()) {
            supervisor = new Supervisor(home, watches(), Supervisor.TICK);
        }
        return supervisor;
    }

    /** What a supervisor of this home watches, in the order they start. */
    private List<dev.addons.core.internal.Watch> watches() {
        List<dev.addons.core.internal.Watch> watches = new ArrayList<>();
        watches.add(new dev.addons.core.internal.CrashWatch(home.toString(), store, lifecycle, open.reconciler, servers,
                executor, restartPolicy));
        watches.add(new dev.addons.core.internal.SleepWatch(store, lifecycle));
        if (scheduler == null) {
            // One taker of scheduled backups: this instance's own scheduler when it has one.
            watches.add(new dev.addons.core.internal.BackupWatch(home.toString(), backups, executor));
        }
        return watches;
    }

    /**
     * Stops this instance's threads, runtime clients and the providers it loaded
     * ({@link dev.addons.api.spi.AddonProvider#close()}). Servers keep running. Idempotent.
     */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        synchronized (this) {
            if (supervisor != null) {
                supervisor.close();
            }
        }
        executor.shutdownNow();
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        try {
            runtimes.close();
        } finally {
            // Last: the providers were loaded first. Each is closed once (PostgreSQL's admin connections).
            registry.close();
        }
    }

    private AddonInfo describe(AddonProvider provider) {
        ServerRuntime runtime = runtimes.chosen();
        String defaultVersion = runtime.defaultVersion(provider);
        List<VersionInfo> versions = provider.descriptor().versions().stream()
                .map(v -> new VersionInfo(v, v.equals(defaultVersion),
                        runtime.availability(
                                provider.server(ServerRequest.builder(v).adminPassword("unused").build())),
                        provider.capability(BackupCapability.class)
                                .flatMap(b -> b.backupLimit(v, runtime.name())).orElse("")))
                .toList();
        Map<String, String> defaults = new LinkedHashMap<>();
        for (String name : Runtimes.names()) {
            defaults.put(name, defaultVersionOn(name, provider));
        }
        defaults.putIfAbsent(runtime.name(), defaultVersion);
        ProviderDescriptor descriptor = provider.descriptor();
        return new AddonInfo(descriptor.name(), descriptor.aliases(), descriptor.description(), versions,
                defaultVersion, descriptor.variants(), defaults, descriptor.defaultVariant());
    }

    /**
     * The default on a runtime: asked of the runtime when this instance has it or it is the
     * process runtime (which needs nothing to be had); others (a container runtime with no
     * Docker-API endpoint answering) run the engines' images, which serve the addon's own default.
     */
    private String defaultVersionOn(String name, AddonProvider provider) {
        for (ServerRuntime made : runtimes.made()) {
            if (made.name().equals(name)) {
                return made.defaultVersion(provider);
            }
        }
        if (name.equals(dev.addons.core.internal.process.ProcessRuntime.NAME)) {
            return runtimes.get(name).defaultVersion(provider);
        }
        return provider.descriptor().defaultVersion(name);
    }

    /**
     * The home used when none is given: {@code $ADDONS_HOME}, else, for root, {@code /var/lib/addons}
     * (where the unprivileged user engines run as can pass through), else {@code ~/.addons}.
     */
    public static Path defaultHome() {
        return defaultHome(System.getenv());
    }

    /** {@link #defaultHome()} for a process whose environment is {@code processEnvironment}. */
    static Path defaultHome(Map<String, String> processEnvironment) {
        String env = processEnvironment.get("ADDONS_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return dev.addons.core.internal.EffectiveUser.isRoot() ? Path.of("/var/lib/addons")
                : Path.of(System.getProperty("user.home"), ".addons");
    }

    /**
     * Where fetched engine binaries are kept when no cache is given: {@code $ADDONS_CACHE}, else
     * {@code $XDG_CACHE_HOME/addons}, else, for root, {@code /var/cache/addons}, else
     * {@code ~/.cache/addons}.
     */
    public static Path defaultCache() {
        String env = System.getenv("ADDONS_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "addons");
        }
        return dev.addons.core.internal.EffectiveUser.isRoot() ? Path.of("/var/cache/addons")
                : Path.of(System.getProperty("user.home"), ".cache", "addons");
    }

    /** Configures an {@link Addons}. Not thread-safe; {@link #build()} may be called more than once. */
    public static final class Builder {
        private Path home = defaultHome();
        private Path cache = defaultCache();
        private String runtime = "auto";
        private ServerRuntime customRuntime;
        private final Map<String, String> runtimeSettings = new LinkedHashMap<>();
        private final List<StatusListener> listeners = new ArrayList<>();
        private ProgressListener progress = ProgressListener.NONE;
        private ClassLoader classLoader = Addons.class.getClassLoader();
        private boolean automaticBackups = true;
        private boolean throwawayServers;
        private boolean supervise;
        private RestartPolicy restartPolicy = RestartPolicy.DEFAULT;

        private Builder() {
        }

        /**
         * How a {@linkplain Addons#supervise() supervisor} started by the built instance starts
         * again servers that die (default: {@link RestartPolicy#DEFAULT}).
         *
         * @since 0.1.0
         */
        public Builder restartPolicy(RestartPolicy policy) {
            this.restartPolicy = Objects.requireNonNull(policy, "policy == null");
            return this;
        }

        /**
         * Whether the dedicated servers the built instance starts are throwaway ones, such as a
         * test's (default: no). Their engines then run with settings that trade durability for
         * speed: PostgreSQL without {@code fsync}, {@code synchronous_commit} or
         * {@code full_page_writes}; MariaDB without flushing its redo log at each commit nor its
         * doublewrite buffer. A crash of the JVM loses nothing, but a crash of the machine may lose
         * or corrupt their data. A server keeps the setting it was created with across restarts;
         * shared servers always keep the durable defaults, as they hold other apps' data. The
         * JUnit extension turns this on.
         *
         * @since 0.2
         */
        public Builder throwawayServers(boolean throwaway) {
            this.throwawayServers = throwaway;
            return this;
        }

        /**
         * Whether the built instance {@linkplain Addons#supervise() supervises} the home at once
         * (default: no), as {@code addons agent} does: an embedding control plane gets the same
         * supervisor without the command.
         *
         * @since 0.1.0
         */
        public Builder supervise(boolean enabled) {
            this.supervise = enabled;
            return this;
        }

        /**
         * Whether the built instance takes the automatic backups of addons whose policy has a
         * schedule, checking every minute on a daemon thread (default: yes). Short-lived programs
         * such as the CLI turn this off and call {@link Addons#runDueBackups()} instead.
         */
        public Builder automaticBackups(boolean enabled) {
            this.automaticBackups = enabled;
            return this;
        }

        /** The addons home: state, server data and caches live under it. */
        public Builder home(Path home) {
            this.home = Objects.requireNonNull(home, "home == null");
            return this;
        }

        /**
         * Where fetched engine binaries are kept; default {@link #defaultCache()}. Homes may share it: what
         * it holds is verified against pinned checksums and never changes.
         */
        public Builder cache(Path cache) {
            this.cache = Objects.requireNonNull(cache, "cache == null");
            return this;
        }

        /**
         * Where new servers run: {@code process} (engine binaries on this host), {@code container}
         * (a Docker-API endpoint: Docker, or Podman's service; from
         * {@code dev.addons:addons-container}), a runtime another module on the class path adds
         * (e.g. {@code kubernetes}, from {@code dev.addons:addons-kubernetes}), or {@code auto}
         * (the default): the available runtime of highest priority, that is the container runtime
         * when addons-container is on the class path and a Docker-API endpoint answers within a
         * few seconds, else the process runtime. {@code auto} chooses when a new server may first
         * go to it (a create, a deploy without {@code runtime}, {@link Addons#available()}), not
         * when the instance is built, so reading and destroying addons never probes. The name is
         * checked at once; {@link #build()} fails when a runtime asked for by name cannot be had
         * ({@code container} with no endpoint answering).
         */
        public Builder runtime(String runtime) {
            Objects.requireNonNull(runtime, "runtime == null");
            this.runtime = Runtimes.check(runtime);
            this.customRuntime = null;
            return this;
        }

        /**
         * A setting of a runtime, e.g. {@code kubernetes.namespace}; it wins over the system
         * property {@code addons.kubernetes.namespace}. Each runtime documents its settings and
         * refuses bad values by name when it is made.
         *
         * @since 0.1.0
         */
        public Builder runtimeSetting(String name, String value) {
            Objects.requireNonNull(name, "name == null");
            Objects.requireNonNull(value, "value of " + name + " == null");
            if (!name.matches("[a-z][a-zA-Z0-9]*(\\.[a-zA-Z0-9]+)+")) {
                throw new IllegalArgumentException("runtime setting names look like runtime.key: " + name);
            }
            runtimeSettings.put(name, value);
            return this;
        }

        /** A runtime instance of the caller's, e.g. a test double or a runtime of another module. */
        public Builder runtime(ServerRuntime runtime) {
            this.customRuntime = Objects.requireNonNull(runtime, "runtime == null");
            return this;
        }

        /** Hears every status transition made by the built instance. */
        public Builder listener(StatusListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener == null"));
            return this;
        }

        /** Hears downloads and start steps. */
        public Builder progress(ProgressListener progress) {
            this.progress = Objects.requireNonNull(progress, "progress == null");
            return this;
        }

        /** The class loader providers are found with (default: this class's). */
        public Builder classLoader(ClassLoader classLoader) {
            this.classLoader = Objects.requireNonNull(classLoader, "classLoader == null");
            return this;
        }

        /** Opens the home, finds the providers and reconciles recorded addons with reality. */
        public Addons build() {
            return new Addons(this);
        }
    }
}
