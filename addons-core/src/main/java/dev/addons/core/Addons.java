package dev.addons.core;

import dev.addons.api.AddonNotFoundException;
import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.Credentials;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.ProvisioningException;
import dev.addons.api.StatusListener;
import dev.addons.api.Variable;
import dev.addons.api.Variant;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.ServerRequest;
import dev.addons.core.internal.AddonLifecycle;
import dev.addons.core.internal.AddonState;
import dev.addons.core.internal.Backups;
import dev.addons.core.internal.ExternalServers;
import dev.addons.core.internal.Listeners;
import dev.addons.core.internal.Migrations;
import dev.addons.core.internal.Names;
import dev.addons.core.internal.ProviderRegistry;
import dev.addons.core.internal.ResolvedSpec;
import dev.addons.core.internal.Runtimes;
import dev.addons.core.internal.Servers;
import dev.addons.core.internal.StateStore;
import dev.addons.core.internal.TenantCopies;
import dev.addons.core.runtime.ProgressListener;
import dev.addons.core.runtime.RuntimeContext;
import dev.addons.core.runtime.ServerRuntime;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The entry point: creates, lists, reads and destroys an app's addons in an addons home.
 * Thread-safe; several {@code Addons} (in this or other processes) may share one home.
 * Servers keep running after {@link #close()}; only destroy stops them.
 *
 * <pre>{@code
 * try (Addons addons = Addons.builder().home(Path.of("/var/lib/addons")).build()) {
 *     addons.create("myapp", "production", AddonSpec.parse("postgresql:shared"));
 *     Credentials vars = addons.env("myapp", "production");
 * }
 * }</pre>
 */
public final class Addons implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Addons.class);
    /** The environment used when none is named. */
    public static final String DEFAULT_ENVIRONMENT = "production";
    private static final Duration CREATE_TIMEOUT = Duration.ofMinutes(10);

    private final Path home;
    private final ProviderRegistry registry;
    private final Runtimes runtimes;
    private final StateStore store;
    private final Listeners listeners;
    private final AddonLifecycle lifecycle;
    private final Backups backups;
    private final Migrations migrations;
    private final TenantCopies copies;
    private final ExternalServers externals;
    private final Servers servers;
    private final RestartPolicy restartPolicy;
    private final ProgressListener progress;
    private final ExecutorService executor;
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean closed = new AtomicBoolean();
    private Supervisor supervisor;

    private Addons(Builder builder) {
        this.home = builder.home.toAbsolutePath().normalize();
        this.registry = ProviderRegistry.forClassLoader(builder.classLoader);
        this.store = new StateStore(home);
        store.requireReadable(); // A home of a newer addons is refused before anything runs in it.
        this.runtimes = Runtimes.open(new RuntimeContext(home, builder.cache, builder.runtimeSettings), builder.runtime,
                builder.customRuntime);
        this.listeners = new Listeners();
        builder.listeners.forEach(listeners::add);
        this.servers = new Servers(store, runtimes, builder.progress, builder.throwawayServers);
        this.restartPolicy = builder.restartPolicy;
        this.progress = builder.progress;
        this.lifecycle = new AddonLifecycle(store, registry, servers, listeners);
        this.backups = new Backups(home, store, registry, servers, builder.progress, Clock.systemUTC());
        this.migrations = new Migrations(store, registry, servers, backups, runtimes::get, builder.progress);
        this.copies = new TenantCopies(store, registry, lifecycle, runtimes);
        this.externals = new ExternalServers(store, registry);
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "addons-provision-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        reconcileAll();
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
     * The runtimes that can be asked for by name besides {@code auto}: {@code process},
     * {@code container}, then those of other modules on the class path (e.g. {@code kubernetes}).
     *
     * @since 0.1.0
     */
    public static List<String> runtimeNames() {
        return Runtimes.names();
    }

    /** The runtime new servers start on, e.g. {@code process} or {@code container}. */
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
        return registry.require(addon).variants();
    }

    /**
     * Creates an addon for an app in an environment and waits until it is ACTIVE. Returns the
     * existing addon when the app already has this one. Throws
     * {@link InvalidSpecException} before doing anything when the spec is wrong, and
     * {@link ProvisioningException} when provisioning failed (nothing half-made is left; the
     * record stays FAILED with the reason until it is created again or destroyed).
     */
    public AddonRecord create(String app, String environment, AddonSpec spec) {
        String checkedApp = checkApp(app);
        String checkedEnvironment = checkEnvironment(environment);
        ResolvedSpec resolved = resolve(spec, runtimes.chosen(), "", checkedApp, checkedEnvironment);
        refuseTenantName(checkedApp, checkedEnvironment, resolved, "");
        return lifecycle.create(checkedApp, checkedEnvironment, resolved, CREATE_TIMEOUT);
    }

    /** Refuses an app whose tenant name the engine keeps for itself, before anything is made. */
    private static void refuseTenantName(String app, String environment, ResolvedSpec spec, String where) {
        String tenant = Names.tenant(app, environment);
        spec.provider().tenantNameProblem(tenant).ifPresent(problem -> {
            throw new InvalidSpecException(where + "app '" + app + "' in " + environment + " cannot have a "
                    + spec.provider().name() + " addon: its database and user would be named '" + tenant + "', "
                    + problem
                    + ". Give the app another name");
        });
    }

    /** {@link #create} without waiting: the future completes when the addon is ACTIVE. Input is checked at once. */
    public CompletableFuture<AddonRecord> createAsync(String app, String environment, AddonSpec spec) {
        String checkedApp = checkApp(app);
        String checkedEnvironment = checkEnvironment(environment);
        ResolvedSpec resolved = resolve(spec, runtimes.chosen(), "", checkedApp, checkedEnvironment);
        refuseTenantName(checkedApp, checkedEnvironment, resolved, "");
        return CompletableFuture.supplyAsync(
                () -> lifecycle.create(checkedApp, checkedEnvironment, resolved, CREATE_TIMEOUT), executor);
    }

    /**
     * Creates {@code addon} for an app as a copy of another app's, on the same shared server, and
     * waits until it is ACTIVE: the copy has the source's data as of now and a login of its own
     * (PostgreSQL: {@code CREATE DATABASE ... TEMPLATE}; the source's open sessions are ended).
     * Meant for tests: a prepared database copied per test. Returns the existing addon when the
     * app already has this one. Throws {@link dev.addons.api.AddonNotFoundException} when the
     * source has no such addon, {@link InvalidSpecException} when it is not on a shared server,
     * {@link dev.addons.api.UnsupportedOperationAddonException} when the provider cannot copy.
     */
    public AddonRecord createCopy(String app, String environment, String addon, String sourceApp,
            String sourceEnvironment) {
        return copies.create(checkApp(app), checkEnvironment(environment), addon, checkApp(sourceApp),
                checkEnvironment(sourceEnvironment), CREATE_TIMEOUT);
    }

    /**
     * The app's addons in an environment (not destroyed ones), by addon name. An active addon
     * whose server is found not running (killed while this instance is open) is marked FAILED
     * first, as opening a home does.
     */
    public List<AddonRecord> list(String app, String environment) {
        String checkedApp = checkApp(app);
        String checkedEnvironment = checkEnvironment(environment);
        java.util.function.Predicate<AddonState> ours = s -> s.record().app().equals(checkedApp)
                && s.record().environment().equals(checkedEnvironment);
        lifecycle.noticeDeadServers(store.addons().stream().filter(ours).toList());
        return store.addons().stream().filter(ours).map(AddonState::record).toList();
    }

    /**
     * Every addon in this home, by app, environment and name. Like {@link #list}, it first marks
     * FAILED the active addons whose server is found not running.
     */
    public List<AddonRecord> listAll() {
        lifecycle.noticeDeadServers(store.addons());
        return store.addons().stream().map(AddonState::record).toList();
    }

    /**
     * The variables of all the app's addons in an environment, in addon-name order. A variable two
     * addons both set ({@code DATABASE_URL} of {@code mysql} and {@code postgresql}) keeps the
     * value of the first in that order; the other's own variables ({@code PGHOST}, ...) still say
     * everything about it, and {@link #credentials} gives one addon's complete set. Throws
     * {@link ProvisioningException} naming the addon when one is not ACTIVE (pending, failed...),
     * rather than hand over an incomplete set.
     */
    public Credentials env(String app, String environment) {
        String checkedApp = checkApp(app);
        String checkedEnvironment = checkEnvironment(environment);
        Map<String, String> setBy = new LinkedHashMap<>();
        List<Variable> all = new ArrayList<>();
        for (AddonState state : store.addons()) {
            AddonRecord r = state.record();
            if (r.app().equals(checkedApp) && r.environment().equals(checkedEnvironment)) {
                for (Variable variable : lifecycle.credentials(state).variables()) {
                    String first = setBy.putIfAbsent(variable.name(), r.addon());
                    if (first == null) {
                        all.add(variable);
                    } else {
                        LOG.debug("{}/{} - {} of {} is shadowed by {}'s", checkedApp, checkedEnvironment,
                                variable.name(), r.addon(), first);
                    }
                }
            }
        }
        return new Credentials(all);
    }

    /** The variables of one ACTIVE addon. */
    public Credentials credentials(String app, String environment, String addon) {
        String name = registry.require(addon).name();
        AddonState state = store.find(checkApp(app), checkEnvironment(environment), name).orElseThrow(() ->
                new dev.addons.api.AddonNotFoundException("App '" + app + "' has no addon '" + name + "' in "
                        + environment));
        return lifecycle.credentials(state);
    }

    /**
     * Deprovisions an addon and deletes its data, after keeping a final backup of it
     * ({@link FinalBackup#TAKE}): see {@link #destroy(String, String, String, FinalBackup)}.
     */
    public AddonRecord destroy(String app, String environment, String addon) {
        return destroy(app, environment, addon, FinalBackup.TAKE);
    }

    /**
     * Deprovisions an addon and deletes its data. With {@link FinalBackup#TAKE}, an addon that
     * holds data is first backed up into the home (trigger {@code final}, listed by
     * {@link #backups}, counted by retention), and the destroyed record's message names the file;
     * {@link #restore} of it brings the addon back. Writes made after that backup are lost: stop
     * the app first. When the backup cannot be taken (the server is down, the addon is on an
     * external server) nothing is destroyed and a {@link ProvisioningException} says what to do.
     * A backup or restore of the addon under way (in this process or another) is waited for.
     * Throws {@link dev.addons.api.AddonNotFoundException} when the app has no such addon.
     *
     * @since 0.1.0
     */
    public AddonRecord destroy(String app, String environment, String addon, FinalBackup finalBackup) {
        String checkedApp = checkApp(app);
        String checkedEnvironment = checkEnvironment(environment);
        Objects.requireNonNull(finalBackup, "finalBackup == null");
        Optional<AddonState> state = store.find(checkedApp, checkedEnvironment,
                registry.find(addon).map(AddonProvider::name).orElse(addon));
        return backups.excluding(state.stream().toList(), () -> {
            String kept = "";
            if (finalBackup == FinalBackup.TAKE && state.isPresent()) {
                Optional<String> cache = registry.require(state.get().record().addon()).backupUnsupportedReason();
                kept = backups.finalBackup(state.get()).map(b -> "its final backup: " + b.file())
                        .orElse("no final backup: " + cache.orElse("it held no data to keep"));
            }
            AddonRecord destroyed = lifecycle.destroy(checkedApp, checkedEnvironment, addon);
            return kept.isEmpty() ? destroyed : destroyed.withStatus(destroyed.status(), kept, destroyed.updatedAt());
        });
    }

    /**
     * Restarts an ACTIVE addon's server on its data, or a FAILED one's whose server was found
     * dead (killed behind addons' back), which is then ACTIVE again with the other addons on that
     * server: the process runtime launches the engine
     * again on its directory, the container runtime replaces the container with a new one from
     * the image on the same volume (so an updated image of the same tag is picked up). For a
     * shared addon this restarts the shared server, with every app's database on it. Clients
     * reconnect; the variables stay the same unless the server's port was taken meanwhile.
     * Backups and restores of the server's addons under way are waited for.
     * Throws {@link dev.addons.api.AddonNotFoundException} or {@link ProvisioningException}.
     */
    public AddonRecord restart(String app, String environment, String addon) {
        String checkedApp = checkApp(app);
        String checkedEnvironment = checkEnvironment(environment);
        return backups.excluding(onServerOf(checkedApp, checkedEnvironment, addon),
                () -> lifecycle.restart(checkedApp, checkedEnvironment, addon));
    }

    /**
     * Stops an addon's dedicated server and keeps its data and port: the addon is
     * {@link dev.addons.api.Status#STOPPED}, {@link #env} still gives its variables, and nothing
     * starts it again ({@link #up} leaves it stopped) but {@link #start}. Stopping a stopped addon
     * does nothing. Refused with {@link InvalidSpecException} for an addon on a shared server,
     * which other apps use. A backup of the addon under way is waited for.
     *
     * @since 0.1.0
     */
    public AddonRecord stop(String app, String environment, String addon) {
        String checkedApp = checkApp(app);
        String checkedEnvironment = checkEnvironment(environment);
        return backups.excluding(onServerOf(checkedApp, checkedEnvironment, addon),
                () -> lifecycle.stop(checkedApp, checkedEnvironment, addon));
    }

    /** The addons whose backups a restart or stop of this addon's server would cut off: every tenant of it. */
    private List<AddonState> onServerOf(String app, String environment, String addon) {
        Optional<AddonState> state = store.find(app, environment,
                registry.find(addon).map(AddonProvider::name).orElse(addon));
        if (state.isEmpty() || state.get().serverId() == null) {
            return state.stream().toList();
        }
        return store.tenantsOf(state.get().serverId());
    }

    /**
     * Starts a stopped, sleeping or downed addon's server again on its data and returns the
     * addon ACTIVE; its variables stay the same unless another program took its port meanwhile.
     * An ACTIVE addon whose server runs is returned as it is.
     *
     * @since 0.1.0
     */
    public AddonRecord start(String app, String environment, String addon) {
        return lifecycle.start(checkApp(app), checkEnvironment(environment), addon);
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
        String checkedApp = app == null ? null : checkApp(app);
        String checkedEnvironment = environment == null ? null : checkEnvironment(environment);
        return lifecycle.up(record -> (checkedApp == null || record.app().equals(checkedApp))
                && (checkedEnvironment == null || record.environment().equals(checkedEnvironment)),
                wakeSleeping, executor);
    }

    /**
     * An addon's server history: how often it was started again after going down by itself, and
     * its last crash with the engine's last log lines.
     *
     * @since 0.1.0
     */
    public ServerHistory history(String app, String environment, String addon) {
        return lifecycle.history(state(app, environment, addon));
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
        Objects.requireNonNull(removals, "removals == null");
        String checkedEnvironment = checkEnvironment(environment);
        ServerRuntime runtime = file.runtime() == null ? runtimes.chosen() : fileRuntime(file);
        Map<String, ResolvedSpec> wanted = new LinkedHashMap<>();
        for (Map.Entry<String, AddonSpec> entry : file.addons().entrySet()) {
            ResolvedSpec spec = resolve(entry.getValue(), runtime, "addons." + entry.getKey() + ": ", file.name(),
                    checkedEnvironment);
            refuseTenantName(file.name(), checkedEnvironment, spec, "addons." + entry.getKey() + ": ");
            if (wanted.put(spec.provider().name(), spec) != null) {
                throw new InvalidSpecException("addons." + entry.getKey() + ": " + spec.provider().name()
                        + " is declared twice (once by an alias)");
            }
        }
        List<CompletableFuture<AddonRecord>> futures = new ArrayList<>();
        for (ResolvedSpec spec : wanted.values()) {
            futures.add(CompletableFuture.supplyAsync(
                    () -> lifecycle.create(file.name(), checkedEnvironment, spec, CREATE_TIMEOUT), executor));
        }
        List<AddonRecord> active = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        ProvisioningException failure = null;
        for (CompletableFuture<AddonRecord> future : futures) {
            try {
                active.add(future.join());
            } catch (CompletionException e) {
                Throwable cause = e.getCause();
                failures.add(cause.getMessage());
                if (failure == null) {
                    failure = new ProvisioningException("Deploy of " + file.name() + " failed", cause);
                } else {
                    failure.addSuppressed(cause);
                }
            }
        }
        if (failure != null) {
            throw new ProvisioningException("Deploy of " + file.name() + "/" + checkedEnvironment + " failed: "
                    + String.join("; ", failures), failure.getCause());
        }
        file.backups().forEach((addon, policy) ->
                backupPolicy(file.name(), checkedEnvironment, registry.require(addon).name(), policy));
        dev.addons.core.internal.CrashPoints.reach("deploy.provisioned");
        List<AddonRecord> destroyed = new ArrayList<>();
        List<AddonRecord> kept = new ArrayList<>();
        for (AddonRecord record : list(file.name(), checkedEnvironment)) {
            if (wanted.containsKey(record.addon())) {
                continue;
            }
            if (removals == Removals.KEEP_DATA
                    && backups.holdsData(state(record.app(), record.environment(), record.addon()))) {
                LOG.info("{} - no longer declared by {}, but it holds data: kept (prune to remove it)", record.id(),
                        file.name());
                kept.add(record);
                continue;
            }
            destroyed.add(destroy(file.name(), checkedEnvironment, record.addon(),
                    removals == Removals.PRUNE_WITHOUT_BACKUP ? FinalBackup.SKIP : FinalBackup.TAKE));
        }
        return new DeployResult(file.name(), checkedEnvironment, active, destroyed, kept);
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
        return externals.register(name, addon, url);
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
        return externals.register(name, addon, url, options);
    }

    /**
     * The registered external servers, by name, with the addons on each.
     *
     * @since 0.1.0
     */
    public List<ServerInfo> servers() {
        return externals.list();
    }

    /**
     * Forgets the external server {@code name} (the server itself is not touched). Refused with
     * {@link ProvisioningException} naming them while addons are on it; throws
     * {@link AddonNotFoundException} when no server has that name.
     *
     * @since 0.1.0
     */
    public ServerInfo removeServer(String name) {
        return externals.remove(name);
    }

    /**
     * Checks each of the app's addons in an environment, by addon name: whether it is ACTIVE, its
     * server runs and is not stopped (a process stopped by SIGSTOP still holds its port), and its
     * endpoint accepts a connection. Changes nothing; a server found dead is marked FAILED by the
     * next {@link #reconcile()} and brought back by {@link #restart}.
     */
    public List<Health> health(String app, String environment) {
        String checkedApp = checkApp(app);
        String checkedEnvironment = checkEnvironment(environment);
        return store.addons().stream()
                .filter(s -> s.record().app().equals(checkedApp) && s.record().environment().equals(checkedEnvironment))
                .map(lifecycle::health)
                .toList();
    }

    /** Waits until the addon is ACTIVE; throws when it fails or the timeout passes. */
    public AddonRecord awaitActive(String app, String environment, String addon, Duration timeout) {
        String name = registry.require(addon).name();
        AddonState state = store.find(checkApp(app), checkEnvironment(environment), name).orElseThrow(() ->
                new dev.addons.api.AddonNotFoundException("App '" + app + "' has no addon '" + name + "' in "
                        + environment));
        return lifecycle.await(state.record().id(), timeout);
    }

    /**
     * Waits until every addon of the app in the environment is ACTIVE (or SLEEPING: its first
     * client wakes it), whichever process is creating them, and returns them. Addons
     * {@code pending} or {@code provisioning} are waited for, and so is an app with no addons yet
     * (a deploy about to record them). Throws {@link ProvisioningException} at once, naming the
     * addon and its status, when one is {@code failed}, {@code stopped} or being destroyed, and
     * when {@code timeout} passes, naming those still not active. {@code seen} hears each status
     * an addon is seen in (the first with {@code from == null}), whoever made the change.
     *
     * @since 0.1.0
     */
    public List<AddonRecord> awaitReady(String app, String environment, Duration timeout, StatusListener seen) {
        Objects.requireNonNull(timeout, "timeout == null");
        Objects.requireNonNull(seen, "seen == null");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout < 0: " + timeout);
        }
        return dev.addons.core.internal.ReadyWait.await(store, checkApp(app), checkEnvironment(environment), timeout,
                seen);
    }

    /** Adds a listener for status transitions made by this instance; close the result to remove it. */
    public Subscription onTransition(StatusListener listener) {
        return listeners.add(listener);
    }

    /**
     * Backs up an ACTIVE addon into the addons home ({@code backups/<app>/<environment>/<addon>/}),
     * counted against its policy's daily limit of manual backups, then applies its retention.
     * The dump is taken while the server keeps serving: nothing committed before the backup began
     * is missing from it. Throws {@link dev.addons.api.UnsupportedOperationAddonException} for an
     * addon without backups (memcached), {@link ProvisioningException} when the limit is reached.
     */
    public BackupInfo backup(String app, String environment, String addon) {
        return backups.backup(state(app, environment, addon), BackupInfo.MANUAL, null);
    }

    /**
     * Backs up an ACTIVE addon to {@code output} (replaced if it exists). Such a file is the
     * caller's: it counts against the daily limit but retention never deletes it.
     */
    public BackupInfo backup(String app, String environment, String addon, Path output) {
        Objects.requireNonNull(output, "output == null");
        AddonState state = state(app, environment, addon);
        return backups.backup(state, BackupInfo.MANUAL, output);
    }

    /**
     * Replaces an ACTIVE addon's data with a backup's, possibly one of another app or environment
     * (a copy of production into staging). The archive's checksum and engine are verified first:
     * a damaged, truncated or foreign archive is refused with
     * {@link dev.addons.api.InvalidBackupException} and nothing is touched. An addon that holds
     * data is only restored over with {@code force}. The provider replaces the data all or
     * nothing.
     */
    public BackupInfo restore(String app, String environment, String addon, Path archive, boolean force) {
        Objects.requireNonNull(archive, "archive == null");
        String name = registry.require(addon).name();
        if (store.find(checkApp(app), checkEnvironment(environment), name).isEmpty()) {
            return restore(app, environment, AddonSpec.of(name), archive);
        }
        return backups.restore(state(app, environment, addon), archive, force);
    }

    /**
     * Brings back an addon that does not exist (a destroyed one, from its final backup) or makes
     * a new one from a backup: verifies the archive first (nothing is made when it is damaged or
     * of another engine), creates the addon with {@code spec}'s variant and version, or the
     * backup's where {@code spec} names none, and restores the archive into it. An addon that
     * exists is restored into as {@link #restore(String, String, String, Path, boolean)} without
     * {@code force} does.
     *
     * @since 0.1.0
     */
    public BackupInfo restore(String app, String environment, AddonSpec spec, Path archive) {
        Objects.requireNonNull(spec, "spec == null");
        Objects.requireNonNull(archive, "archive == null");
        String checkedApp = checkApp(app);
        String checkedEnvironment = checkEnvironment(environment);
        AddonProvider provider = registry.require(spec.addon());
        Optional<AddonState> existing = store.find(checkedApp, checkedEnvironment, provider.name());
        if (existing.isEmpty()) {
            dev.addons.core.internal.BackupArchive.Manifest manifest = backups.verifiedManifest(archive, provider,
                    spec.version(), provider.name() + " of " + checkedApp + "/" + checkedEnvironment);
            AddonSpec made = spec;
            if (spec.variant() == null) {
                made = made.withVariant(manifest.variant());
            }
            if (spec.version() == null) {
                made = made.withVersion(manifest.version());
            }
            LOG.info("{} has no {} in {}: creating it ({}) to restore {} into", checkedApp, provider.name(),
                    checkedEnvironment, made, archive);
            create(checkedApp, checkedEnvironment, made);
        }
        return backups.restore(state(checkedApp, checkedEnvironment, provider.name()), archive, false);
    }

    /** The backups the addons home keeps of an app's addons in an environment, oldest first. */
    public List<BackupInfo> backups(String app, String environment) {
        return backups.list(checkApp(app), checkEnvironment(environment));
    }

    /** An addon's backup policy ({@link BackupPolicy#DEFAULT} until one is set). */
    public BackupPolicy backupPolicy(String app, String environment, String addon) {
        return state(app, environment, addon).backupPolicy();
    }

    /** Sets an addon's backup policy, and applies its retention at once. */
    public BackupPolicy backupPolicy(String app, String environment, String addon, BackupPolicy policy) {
        Objects.requireNonNull(policy, "policy == null");
        AddonState state = state(app, environment, addon);
        store.locked(() -> {
            AddonState latest = store.addon(state.record().id()).orElseThrow(() -> new AddonNotFoundException(
                    "App '" + app + "' has no addon '" + addon + "' in " + environment));
            store.save(latest.withBackups(policy));
            return null;
        });
        backups.applyRetention(state.record(), policy);
        return policy;
    }

    /**
     * The most sessions an addon's app may have open at once on its shared server (see
     * {@link AddonSpec#connections()}; change it by deploying an app file, or creating the addon,
     * with another {@code connections}); empty when it has no limit: a dedicated server's app, or
     * an engine that limits none. Throws {@link AddonNotFoundException} when there is no such addon.
     *
     * @since 0.3
     */
    public java.util.OptionalInt connectionLimit(String app, String environment, String addon) {
        AddonState state = state(app, environment, addon);
        AddonProvider provider = registry.require(state.record().addon());
        boolean shared = provider.variants().stream()
                .anyMatch(v -> v.shared() && v.name().equals(state.record().variant()));
        return shared && provider.maxTenantConnections().isPresent()
                ? java.util.OptionalInt.of(state.sharedConnections()) : java.util.OptionalInt.empty();
    }

    /** When the next automatic backup of an addon is due; empty when its schedule is off. */
    public Optional<Instant> nextAutomaticBackup(String app, String environment, String addon) {
        return backups.nextDue(state(app, environment, addon));
    }

    /**
     * Takes the automatic backups that are due now (an instance does this every minute unless
     * built with {@code automaticBackups(false)}; a cron job can call it through
     * {@code addons backups --run-due}). Returns how many were taken.
     */
    public int runDueBackups() {
        return backups.runDue();
    }

    /**
     * Moves an ACTIVE addon to another variant ({@code small} to {@code shared} or back) by
     * backup and restore, swapping the app's variables to the new server only when the copy is
     * verified; until then, and if anything fails, the old one serves unchanged. Writes made
     * during the move make the verification fail: stop writing for it.
     */
    public AddonRecord migrate(String app, String environment, String addon, String variant) {
        Objects.requireNonNull(variant, "variant == null");
        return migrations.migrate(state(app, environment, addon), variant);
    }

    private void runDueBackupsQuietly() {
        try {
            backups.runDue();
        } catch (RuntimeException e) {
            LOG.warn("Automatic backups failed: {}", e.toString());
        }
    }

    private AddonState state(String app, String environment, String addon) {
        String checkedApp = checkApp(app);
        String checkedEnvironment = checkEnvironment(environment);
        String name = registry.require(addon).name();
        return store.find(checkedApp, checkedEnvironment, name).orElseThrow(() -> new AddonNotFoundException(
                "App '" + checkedApp + "' has no addon '" + name + "' in " + checkedEnvironment));
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
     * The moves a dead process left half-done ({@link Migrations#reconcile}), then
     * {@link AddonLifecycle#reconcile}, then the backups and restores a dead process left
     * half-done, and the temporary state files it left.
     */
    private int reconcileAll() {
        // Moves first: a server an interrupted move was starting is still recorded, and removed by it.
        int changed = migrations.reconcile();
        changed += lifecycle.reconcile(runtimesToSweep()) + backups.reconcile();
        try {
            changed += dev.addons.core.internal.PrivateFiles.removeAbandoned(home.resolve("state"), 2).size();
        } catch (java.io.IOException e) {
            LOG.warn("Cannot look for temporary files left in {}: {}", home.resolve("state"), e.getMessage());
        }
        return changed;
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
        if (closed.get()) {
            throw new IllegalStateException("this Addons is closed");
        }
        if (supervisor == null || !supervisor.isRunning()) {
            supervisor = new Supervisor(home, watches(), Supervisor.TICK);
        }
        return supervisor;
    }

    /** What a supervisor of this home watches, in the order they start. */
    private List<dev.addons.core.internal.Watch> watches() {
        List<dev.addons.core.internal.Watch> watches = new ArrayList<>();
        watches.add(new dev.addons.core.internal.CrashWatch(home.toString(), store, lifecycle, servers, executor,
                restartPolicy));
        watches.add(new dev.addons.core.internal.SleepWatch(store, lifecycle));
        if (scheduler == null) {
            // One taker of scheduled backups: this instance's own scheduler when it has one.
            watches.add(new dev.addons.core.internal.BackupWatch(home.toString(), backups, executor));
        }
        return watches;
    }

    /** Stops this instance's threads and runtime clients. Servers keep running. Idempotent. */
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
        runtimes.close();
    }

    /**
     * The runtimes whose strays a reconcile removes: those in use, and the process runtime
     * whenever the home has server directories (it costs no more than listing them).
     */
    private java.util.Collection<ServerRuntime> runtimesToSweep() {
        java.util.Set<ServerRuntime> sweep = new java.util.LinkedHashSet<>(runtimes.made());
        if (java.nio.file.Files.isDirectory(home.resolve("servers"))) {
            sweep.add(runtimes.get(dev.addons.core.internal.process.ProcessRuntime.NAME));
        }
        return sweep;
    }

    private ServerRuntime fileRuntime(AppFile file) {
        try {
            return runtimes.get(Runtimes.check(file.runtime()));
        } catch (InvalidSpecException e) {
            throw e; // It names the runtime, e.g. runtime 'kubernetes' is not available.
        } catch (dev.addons.api.AddonException e) {
            throw new InvalidSpecException("runtime = \"" + file.runtime() + "\" cannot be used here: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Checks {@code spec} for the app's addon. No version asked of an addon the app has means
     * the version it has, on its runtime: a default that differs now (another runtime, another
     * host) never refuses or changes an existing addon.
     */
    private ResolvedSpec resolve(AddonSpec spec, ServerRuntime runtime, String where, String app,
            String environment) {
        Objects.requireNonNull(spec, "spec == null");
        Names.addon(where + "addon", spec.addon());
        if (spec.server() != null) {
            return externals.resolve(spec, runtime, where);
        }
        if (spec.versionIfSet().isEmpty()) {
            Optional<AddonRecord> existing = store.find(app, environment, registry.require(spec.addon()).name())
                    .map(AddonState::record)
                    .filter(r -> r.status() != dev.addons.api.Status.DESTROYED
                            && !r.runtime().equals(ExternalServers.RUNTIME));
            if (existing.isPresent()) {
                return ResolvedSpec.resolve(spec.withVersion(existing.get().version()), registry,
                        runtimeOf(existing.get(), runtime), where);
            }
        }
        ResolvedSpec resolved = ResolvedSpec.resolve(spec, registry, runtime, where);
        if (AddonSpec.isImageReference(resolved.version())) {
            // A custom image is had (or refused as a name no registry has) before anything is recorded.
            runtime.obtain(resolved.provider().server(new dev.addons.api.spi.ServerRequest(resolved.version(), "unused")),
                    resolved.provider().name() + " (" + app + "/" + environment + ")", progress);
        }
        return resolved;
    }

    /** The runtime an addon was made on, or {@code otherwise} when it cannot be had here. */
    private ServerRuntime runtimeOf(AddonRecord record, ServerRuntime otherwise) {
        if (record.runtime().equals(otherwise.name())) {
            return otherwise;
        }
        try {
            return runtimes.get(record.runtime());
        } catch (dev.addons.api.AddonException e) {
            LOG.debug("{} - its {} runtime cannot be had here: {}", record.id(), record.runtime(), e.getMessage());
            return otherwise;
        }
    }

    private AddonInfo describe(AddonProvider provider) {
        ServerRuntime runtime = runtimes.chosen();
        String defaultVersion = runtime.defaultVersion(provider);
        List<VersionInfo> versions = provider.versions().stream()
                .map(v -> new VersionInfo(v, v.equals(defaultVersion),
                        runtime.availability(provider.server(new ServerRequest(v, "unused"))),
                        provider.backupLimit(v, runtime.name()).orElse("")))
                .toList();
        Map<String, String> defaults = new LinkedHashMap<>();
        for (String name : Runtimes.names()) {
            defaults.put(name, defaultVersionOn(name, provider));
        }
        defaults.putIfAbsent(runtime.name(), defaultVersion);
        return new AddonInfo(provider.name(), provider.aliases(), provider.description(), versions,
                defaultVersion, provider.variants(), defaults);
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
        return provider.defaultVersion();
    }

    private static String checkApp(String app) {
        return Names.app("app name", app);
    }

    private static String checkEnvironment(String environment) {
        return Names.environment("environment", environment == null ? DEFAULT_ENVIRONMENT : environment);
    }

    /**
     * The home used when none is given: {@code $ADDONS_HOME}, else, for root, {@code /var/lib/addons}
     * (where the unprivileged user engines run as can pass through), else {@code ~/.addons}.
     */
    public static Path defaultHome() {
        String env = System.getenv("ADDONS_HOME");
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
         * (a Docker-API endpoint: Docker, or Podman's service), or {@code auto} (the default: the
         * container runtime when a Docker-API endpoint answers within a few seconds, else the
         * process runtime), or a runtime another module on the class path adds (e.g.
         * {@code kubernetes}, from {@code dev.addons:addons-kubernetes}). The name is checked at
         * once; {@link #build()} fails when {@code container} is asked for and no endpoint answers.
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
