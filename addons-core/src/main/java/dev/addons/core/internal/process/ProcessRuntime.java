package dev.addons.core.internal.process;

import dev.addons.api.Endpoint;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.ProvisioningException;
import dev.addons.api.UnsupportedOperationAddonException;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.BinaryDistribution.Download;
import dev.addons.api.spi.BinaryDistribution;
import dev.addons.api.spi.ProcessRecipe;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.core.internal.DataFiles;
import dev.addons.core.internal.Names;
import dev.addons.core.internal.Readiness;
import dev.addons.core.runtime.Availability;
import dev.addons.core.runtime.DataFileNotReplacedException;
import dev.addons.core.runtime.Placement;
import dev.addons.core.runtime.ProgressListener;
import dev.addons.core.runtime.RunningServer;
import dev.addons.core.runtime.ServerRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code process} runtime: runs servers from engine binaries on this host (installed, or
 * fetched once from a Maven repository into {@code <home>/cache/binaries}) as detached processes
 * listening on 127.0.0.1, each in {@code <home>/servers/<serverId>/}. Servers outlive the JVM;
 * any later {@code ProcessRuntime} on the same home checks and destroys them from the
 * {@link RunningServer} alone. When the JVM runs as root, engines and their tools run as an unprivileged system user (see {@link EngineUser}).
 *
 * <p>A recipe that offers a {@link dev.addons.api.spi.DataTemplate} is initialized once per
 * engine, version and binaries into {@code <cache>/templates} (shared by the homes sharing the
 * cache), and each new server starts on
 * a copy of that template (see {@link DataTemplates}), taken by a rename from a copy made ahead
 * in the background when there is one (setting {@value #SPARES_SETTING}, default
 * {@value #DEFAULT_SPARES}); {@link #clearTemplates()} deletes them.
 * Linux only ({@code setsid}, {@code unshare}, {@code kill} from util-linux/procps).
 *
 * <p>Thread-safe; starts of different servers may run concurrently, also from several JVMs.
 */
public final class ProcessRuntime implements ServerRuntime {
    /** This runtime's name. */
    public static final String NAME = "process";
    /** Attribute: the server's pid. */
    public static final String PID = "pid";
    /** Attribute: the server process's start time in epoch milliseconds, telling a reused pid. */
    public static final String PID_START = "pidStart";
    /** Attribute: the server process's start in clock ticks after boot (see {@link dev.addons.core.internal.ProcessIdentity}). */
    public static final String PID_TICKS = "pidTicks";
    /** Attribute: the boot id of the machine's boot the server process started in. */
    public static final String PID_BOOT = "pidBoot";
    /** Attribute: the server's directory. */
    public static final String DIRECTORY = "directory";
    /** Attribute: the {@link dev.addons.api.spi.ProcessRecipe.StopSignal} that stops the server. */
    public static final String STOP_SIGNAL = "stopSignal";
    /** Attribute: the {@link dev.addons.api.spi.ProcessRecipe.StopSignal} that stops the server to destroy it. */
    public static final String DESTROY_SIGNAL = "destroySignal";
    /** Attribute: how long to wait after that signal before killing, in milliseconds. */
    public static final String STOP_TIMEOUT_MILLIS = "stopTimeoutMillis";
    /** The system property that overrides the Maven repository binaries are fetched from. */
    public static final String REPOSITORY_PROPERTY = "addons.maven.repository";
    /** Maven Central. */
    public static final URI DEFAULT_REPOSITORY = URI.create("https://repo1.maven.org/maven2/");

    private static final Logger LOG = LoggerFactory.getLogger(ProcessRuntime.class);
    private static final int PORT_ATTEMPTS = 3;
    /** Copies of each template made ahead, unless the setting {@value #SPARES_SETTING} says otherwise. */
    public static final int DEFAULT_SPARES = 1;
    /** The most spares a template may keep. */
    public static final int MAX_SPARES = 4;
    /** The runtime setting (or system property {@code addons.process.spares}) for the number of spares. */
    public static final String SPARES_SETTING = "process.spares";
    /**
     * The runtime setting (or system property {@code addons.process.shortLived}) that, when
     * {@code true}, says this runtime's program is busy until it exits: a command of
     * {@code bin/addons}, or a test run of the JUnit extension. Then the spare copy of a data
     * template a start asked for is made after {@link #close()}, by a detached low-priority copier
     * that outlives the JVM, instead of by a thread of it while the program works (see
     * {@link DataTemplates}); and servers are started as no child of it ({@link Detached}), since the
     * JVM's exit would wait up to 300 ms on each running child's reaper thread. Default
     * {@code false}, for programs that live on (embedders, the agent): spares are made at once by a
     * thread, and servers stay children, reaped as soon as they exit, with their exit status in the
     * error of a start that failed.
     */
    public static final String SHORT_LIVED_SETTING = "process.shortLived";

    /**
     * The runtime setting for the number of warm servers kept per engine and version:
     * {@code process.warm} for every engine and version this runtime starts, {@code process.warm.<engine>}
     * and {@code process.warm.<engine>.<version>} for one (the most specific wins); 0 to
     * {@value #MAX_WARM}, default 0 (see {@link WarmSizes}).
     */
    public static final String WARM_SETTING = "process.warm";
    /** The most warm servers a pool may keep. */
    public static final int MAX_WARM = 4;
    /**
     * The system property naming the command ({@code bin/addons}) that fills this runtime's warm
     * pools after it closes, in a detached process ({@code <it> --home <home> warm --quiet --pool
     * <engine>/<version>...}), instead of a thread of this one: for a command that exits right after
     * its output; {@code off}: nothing fills them but {@link #fillWarm} (what that command runs).
     * Unset: a thread of this runtime fills them.
     */
    public static final String WARM_AFTER_EXIT_PROPERTY = "addons.process.fillWarmAfterExit";

    private final Path home;
    private final Path cache;
    /** See {@link #SHORT_LIVED_SETTING}. */
    private final boolean shortLived;
    private final BinaryResolver binaries;
    private final IntSupplier ports;
    private final EngineUser user = EngineUser.forThisProcess();
    private final DataTemplates templates;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final WarmPools warm;

    /**
     * A runtime keeping its servers and cache under {@code home}, fetching binaries from the
     * repository in the system property {@code addons.maven.repository}, else Maven Central.
     */
    public ProcessRuntime(Path home) {
        this(home, home.resolve("cache"));
    }

    /**
     * A runtime keeping its servers under {@code home} and fetched binaries under {@code cache}
     * (which several homes may share: its entries are verified and never change).
     */
    public ProcessRuntime(Path home, Path cache) {
        this(home, cache, URI.create(System.getProperty(REPOSITORY_PROPERTY, DEFAULT_REPOSITORY.toString())));
    }

    /** A runtime fetching binaries from {@code mavenRepository} ({@code https:}, {@code http:} or {@code file:}). */
    public ProcessRuntime(Path home, URI mavenRepository) {
        this(home, home.resolve("cache"), mavenRepository);
    }

    /** A runtime with its servers under {@code home}, binaries cached under {@code cache}, fetched from the repository. */
    public ProcessRuntime(Path home, Path cache, URI mavenRepository) {
        this(home, cache, mavenRepository, PortAllocator::freePort);
    }

    ProcessRuntime(Path home, URI mavenRepository, IntSupplier ports) {
        this(home, home.resolve("cache"), mavenRepository, ports);
    }

    private ProcessRuntime(Path home, Path cache, URI mavenRepository, IntSupplier ports) {
        this(home, cache, mavenRepository, ports, DEFAULT_SPARES);
    }

    /**
     * A runtime like {@link #ProcessRuntime(Path, Path)} whose templates each keep {@code spares}
     * copies made ahead (see {@link DataTemplates}; 0 for none, at most {@value #MAX_SPARES}).
     */
    public ProcessRuntime(Path home, Path cache, int spares) {
        this(home, cache, URI.create(System.getProperty(REPOSITORY_PROPERTY, DEFAULT_REPOSITORY.toString())),
                PortAllocator::freePort, spares);
    }

    private ProcessRuntime(Path home, Path cache, URI mavenRepository, IntSupplier ports, int spares) {
        this(home, cache, mavenRepository, ports, spares, WarmSizes.NONE, false);
    }

    /**
     * A runtime like {@link #ProcessRuntime(Path, Path, int)} that keeps warm servers as
     * {@code warm} says (see {@link #WARM_SETTING}), for a program that is busy until it exits
     * when {@code shortLived} (see {@link #SHORT_LIVED_SETTING}).
     */
    ProcessRuntime(Path home, Path cache, int spares, WarmSizes warm, boolean shortLived) {
        this(home, cache, URI.create(System.getProperty(REPOSITORY_PROPERTY, DEFAULT_REPOSITORY.toString())),
                PortAllocator::freePort, spares, warm, shortLived);
    }

    private ProcessRuntime(Path home, Path cache, URI mavenRepository, IntSupplier ports, int spares,
            WarmSizes warmSizes, boolean shortLived) {
        if (spares < 0 || spares > MAX_SPARES) {
            throw new InvalidSpecException("process.spares must be a whole number from 0 to " + MAX_SPARES
                    + ", not " + spares);
        }
        this.home = home.toAbsolutePath().normalize();
        this.cache = cache.toAbsolutePath().normalize();
        this.binaries = new BinaryResolver(this.cache, this.cache.resolve("binaries"),
                Objects.requireNonNull(mavenRepository, "mavenRepository == null"));
        this.ports = ports;
        // In the cache, which homes may share: a new home starts on the templates an older one built.
        this.shortLived = shortLived;
        this.templates = new DataTemplates(this.cache.resolve("templates"), this.cache.startsWith(this.home) ? this.home
                : this.cache, user, spares, shortLived);
        String launcher = System.getProperty(WARM_AFTER_EXIT_PROPERTY, "");
        this.warm = new WarmPools(this, this.home.resolve("servers"), warmSizes, launcher.isBlank(),
                launcher.isBlank() || launcher.equals("off") ? null : Path.of(launcher));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Availability availability(ServerDefinition definition) {
        Optional<String> unrunnable = whyUnrunnable(definition);
        if (unrunnable.isPresent()) {
            return new Availability(Availability.State.UNAVAILABLE, unrunnable.get());
        }
        List<BinaryDistribution> candidates = definition.process().candidates();
        try {
            Optional<ResolvedBinaries> host = binaries.onHost(candidates);
            if (host.isPresent()) {
                return new Availability(Availability.State.INSTALLED, host.get().describe());
            }
            Optional<ResolvedBinaries> cached = binaries.cached(candidates);
            if (cached.isPresent()) {
                return new Availability(Availability.State.CACHED, cached.get().describe());
            }
            Optional<Download> download = BinaryResolver.downloadable(candidates).map(BinaryDistribution::download);
            if (download.isPresent()) {
                return new Availability(Availability.State.DOWNLOADABLE,
                        download.get().coordinates() + " from " + binaries.artifactUri(download.get()));
            }
            return new Availability(Availability.State.UNAVAILABLE, binaries.whyNotOnHost(candidates)
                    + " and no download is offered. " + BinaryResolver.nextStep(candidates));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Availability(Availability.State.UNAVAILABLE, "interrupted while looking for "
                    + definition.process().binaries().description());
        }
    }

    /**
     * The newest version this host can serve: installed binaries, a cached distribution, or one
     * Maven Central offers (PostgreSQL 18 on Debian 12; MySQL 8 as MariaDB; Valkey 8 where
     * Debian's backports {@code valkey-server} is installed, else 7), unless the provider's
     * descriptor names a default for the process runtime. The provider's default when none can
     * run, which is then refused naming what is missing.
     */
    @Override
    public String defaultVersion(AddonProvider provider) {
        String declared = provider.descriptor().runtimeDefaults().get(NAME);
        return declared != null ? declared
                : ServerRuntime.newestRunnable(provider, this).orElse(provider.descriptor().defaultVersion(NAME));
    }

    /** Starts the server; the process runtime keeps servers apart by port and directory, whoever owns them. */
    @Override
    public RunningServer start(String serverId, ServerDefinition definition, Placement placement,
            ProgressListener progress) {
        requireOpen();
        Names.requireServerId(serverId);
        ServerStart start = prepare(serverId, definition, ServerDirectories.of(home, serverId), progress);
        return withPorts(serverId, definition, null, Map.of(), start::run);
    }

    /**
     * How many warm servers this runtime keeps of {@code engine}'s {@code version} (see
     * {@link #WARM_SETTING}): 0 unless a setting says otherwise.
     */
    public int warmSize(String engine, String version) {
        return warm.sizes().size(engine, version);
    }

    /**
     * The engines and versions the settings name, as {@code <engine>} or {@code <engine>.<version>},
     * with their sizes: the pools to fill before any server of them has started.
     */
    public Map<String, Integer> warmSettings() {
        return warm.sizes().named();
    }

    /**
     * Makes a warm server of the definition's engine and version the server {@code serverId}:
     * claims one (no other claimer gets it), gives its admin {@code definition}'s password (the
     * recipe's {@link ProcessRecipe.Rekey}) and returns it as {@code serverId}'s. Empty when the
     * pool has none running, or the recipe cannot be re-keyed; a warm server found dead, or whose
     * re-keying fails, is destroyed and the next one tried.
     */
    public Optional<RunningServer> claimWarm(String serverId, ServerDefinition definition, ProgressListener progress) {
        requireOpen();
        Names.requireServerId(serverId);
        Optional<ProcessRecipe.Rekey> rekey = definition.processRecipe().flatMap(ProcessRecipe::rekeyIfAny);
        if (rekey.isEmpty()) {
            return Optional.empty();
        }
        Path servers = home.resolve("servers");
        String pool = WarmServers.pool(definition.engine(), definition.version());
        while (true) {
            Optional<WarmServers.Warm> claimed = WarmServers.claim(servers, pool, serverId);
            if (claimed.isEmpty()) {
                return Optional.empty();
            }
            RunningServer warmServer = claimed.get().server();
            ServerRecord record = ServerRecord.of(warmServer);
            if (record.process().isEmpty()) {
                LOG.warn("{} - Warm server {} is no longer running; removing it", serverId, warmServer.serverId());
                destroyQuietly(warmServer);
                continue;
            }
            try {
                progress.step(serverId, "taking the warm server " + warmServer.serverId() + " on "
                        + warmServer.endpoint() + " and giving the admin its own password");
                long begin = System.nanoTime();
                ResolvedBinaries found = binaries.resolve(definition.process().candidates(), serverId, progress);
                DefaultProcessContext context = new DefaultProcessContext(warmServer.serverId(), found,
                        record.directories(), warmServer.endpoint(), warmServer.extraEndpoints(), user,
                        definition.startTimeout());
                rekey.get().rekey(context, new ServerAccess(warmServer.serverId(), warmServer.endpoint(),
                        definition.adminUser(), claimed.get().password(), warmServer.extraEndpoints()),
                        definition.adminPassword());
                WarmServers.own(record.directories().root(), serverId);
                LOG.info("{} - Took the warm server {} ({} {} on {}, pid {}) in {} ms", serverId,
                        warmServer.serverId(), definition.engine(), definition.version(), warmServer.endpoint(),
                        record.pid(), (System.nanoTime() - begin) / 1_000_000);
                progress.step(serverId, "ready on " + warmServer.endpoint());
                return Optional.of(new RunningServer(serverId, NAME, warmServer.endpoint(), warmServer.attributes(),
                        warmServer.extraEndpoints()));
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                    destroyQuietly(warmServer);
                    throw new ProvisioningException("Interrupted while taking a warm server for '" + serverId + "'", e);
                }
                // A rekey keeps both passwords out of its messages; redacted all the same, as a log line lasts.
                String reason = dev.addons.api.spi.Redaction.of(claimed.get().password(), definition.adminPassword())
                        .redact(Readiness.firstLine(e));
                LOG.warn("{} - Could not re-key the warm server {}; removing it: {}", serverId,
                        warmServer.serverId(), reason);
                destroyQuietly(warmServer);
            }
        }
    }

    /**
     * Starts, on a thread of this runtime, the warm servers the pool of {@code engine}'s
     * {@code version} lacks, each described by a call to {@code definitions} (so each has an admin
     * password of its own). Nothing when the pool is full or its size is 0; when
     * {@value #WARM_AFTER_EXIT_PROPERTY} is set, a detached process started at {@link #close()} does it.
     */
    public void keepWarm(String engine, String version, java.util.function.Supplier<ServerDefinition> definitions) {
        requireOpen();
        warm.keep(engine, version, definitions);
    }

    /** Starts the warm servers the pool lacks now, in this thread; returns how many it started. */
    public int fillWarm(String engine, String version, java.util.function.Supplier<ServerDefinition> definitions,
            ProgressListener progress) {
        requireOpen();
        return warm.fill(engine, version, definitions, progress);
    }

    /**
     * Waits until the warm servers this runtime is starting in the background have started (or
     * failed to), at most {@code timeout}; returns whether none is left under way.
     */
    public boolean awaitWarmStarts(java.time.Duration timeout) throws InterruptedException {
        return warm.awaitStarts(timeout);
    }

    /** The running, unclaimed warm servers, per pool ({@code <engine>/<version>}). */
    public Map<String, Integer> warmServers() {
        return warm.ready();
    }

    /**
     * Destroys unclaimed warm servers: every one when {@code all} (after stopping the warm starts
     * of this runtime under way; a later one starts again), else those beyond their pool's size
     * and those no longer running. Returns their ids.
     */
    public List<String> removeWarm(boolean all) {
        if (all) {
            warm.stopStarting(); // Else one under way would be offered after the removal.
        }
        List<String> removed = new ArrayList<>();
        for (RunningServer server : warm.surplus(all)) {
            destroyQuietly(server);
            removed.add(server.serverId());
        }
        return removed;
    }

    /** Starts the warm server {@code warmId} (see {@link WarmPools}). */
    RunningServer startWarm(String warmId, ServerDefinition definition, ProgressListener progress) {
        requireOpen();
        ServerStart start = prepare(warmId, definition, ServerDirectories.of(home, warmId), progress);
        return withPorts(warmId, definition, null, Map.of(), start::run);
    }

    private void destroyQuietly(RunningServer server) {
        try {
            destroy(server);
        } catch (RuntimeException e) {
            LOG.warn("{} - Could not destroy it (the next sweep does): {}", server.serverId(), e.getMessage());
        }
    }

    /** Stops the engine if it runs and launches it again on its directory, on the same ports where they are free. */
    @Override
    public RunningServer restart(RunningServer server, ServerDefinition definition, ProgressListener progress) {
        requireOpen();
        ServerRecord record = ServerRecord.of(server);
        stop(record, "to restart it");
        return launchAgain(server, definition, record, progress);
    }

    private ServerStart prepare(String serverId, ServerDefinition definition, ServerDirectories directories,
            ProgressListener progress) {
        Optional<String> unrunnable = whyUnrunnable(definition);
        if (unrunnable.isPresent()) {
            throw new InvalidSpecException(unrunnable.get());
        }
        ProcessRecipe recipe = definition.process();
        progress.step(serverId, "finding " + recipe.binaries().description());
        ResolvedBinaries found;
        try {
            found = binaries.resolve(recipe.candidates(), serverId, progress);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisioningException("Interrupted while fetching " + recipe.binaries().description(), e);
        }
        admit(found);
        LOG.info("{} - Starting {} {} from {} ...", serverId, definition.engine(), definition.version(),
                found.source());
        LOG.debug("{} - Binaries in {}, engine runs as {}", serverId, found.directories(), user);
        return new ServerStart(serverId, definition, found, directories, user, templates, shortLived, progress);
    }

    /** Lets the engine user reach binaries fetched into the cache (the host's are everyone's already). */
    private void admit(ResolvedBinaries found) {
        try {
            for (Path directory : found.directories()) {
                if (directory.startsWith(cache)) {
                    // A cache inside the home (the default for a runtime without a shared one) is passed from the home down.
                    user.passThrough(cache.startsWith(home) ? home : cache, directory);
                }
            }
        } catch (IOException e) {
            throw new ProvisioningException("Cannot let " + user + " reach the binaries in " + found.directories()
                    + ": " + e.getMessage(), e);
        }
    }

    /** One way to launch on given ports: a fresh start or a restart. */
    @FunctionalInterface
    private interface Launch {
        RunningServer on(int port, Map<String, Endpoint> extraPorts) throws ServerStart.PortTaken;
    }

    /**
     * Launches on {@code first}'s ports (when given), else on free ones; when another program
     * takes some of them first, again with free ones in place of those alone. The main port, which
     * the addon's variables name, so stays where it was when only an extra port clashed (e.g. a
     * sleeping node's distribution port, taken while it slept).
     */
    private RunningServer withPorts(String serverId, ServerDefinition definition, Endpoint first,
            Map<String, Endpoint> firstExtras, Launch launch) {
        int port = first != null ? first.port() : ports.getAsInt();
        Map<String, Endpoint> extraPorts = new LinkedHashMap<>();
        for (String name : definition.process().extraPorts()) {
            Endpoint previous = first != null ? firstExtras.get(name) : null;
            extraPorts.put(name, previous != null ? previous : new Endpoint(PortAllocator.LOOPBACK_HOST, ports.getAsInt()));
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return launch.on(port, extraPorts);
            } catch (ServerStart.PortTaken e) {
                if (attempt == PORT_ATTEMPTS) {
                    throw new ProvisioningException("Could not start server '" + serverId + "': another program "
                            + "took the chosen port " + PORT_ATTEMPTS + " times in a row", e);
                }
                if (e.took(port)) {
                    port = ports.getAsInt();
                }
                extraPorts.replaceAll((name, extra) -> e.took(extra.port())
                        ? new Endpoint(PortAllocator.LOOPBACK_HOST, ports.getAsInt()) : extra);
                Map<String, Integer> extras = new LinkedHashMap<>();
                extraPorts.forEach((name, extra) -> extras.put(name, extra.port()));
                LOG.info("{} - {}; retrying with port {}{}", serverId, e.getMessage(), port,
                        extras.isEmpty() ? "" : " and extra ports " + extras);
            }
        }
    }

    /** Why this runtime cannot run the definition at all, if it cannot. */
    private static Optional<String> whyUnrunnable(ServerDefinition definition) {
        if (definition.version().contains(":")) {
            return Optional.of("version '" + definition.version() + "' is an image reference: custom images "
                    + "need the container runtime (runtime = \"container\", --runtime container)");
        }
        if (definition.processRecipe().isEmpty()) {
            return Optional.of(definition.engine() + " " + definition.version() + " cannot run from binaries on "
                    + "this host: it needs the container runtime (runtime = \"container\", --runtime container)");
        }
        List<BinaryDistribution> candidates = definition.process().candidates();
        if (candidates.stream().allMatch(d -> d.hostSearchPath().isEmpty() && d.downloadIfAny().isEmpty())) {
            // The provider knows this host cannot serve the version: no directory to search, nothing
            // to fetch. Its description says why; refused up front, before any directory exists.
            return Optional.of(definition.process().binaries().description() + ": no binaries for it on this host"
                    + " and no download is offered. " + BinaryResolver.USE_A_CONTAINER);
        }
        return Optional.empty();
    }

    /**
     * Runs the tool from the server's own binaries (the distribution it was started from), with
     * their shared libraries, as the engine user (see {@link EngineUser}).
     */
    @Override
    public void exec(RunningServer server, ServerDefinition definition, List<String> command,
            Map<String, String> environment, InputStream stdin, OutputStream stdout) {
        requireOpen();
        ServerRecord.of(server);
        String tool = command.get(0);
        ResolvedBinaries found;
        try {
            found = binaries.resolve(definition.process().candidates(), server.serverId(), ProgressListener.NONE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisioningException("Interrupted while looking for " + tool, e);
        }
        // First where the server's own binaries are, then the rest of the distribution's search path
        // (Debian puts MariaDB's server in /usr/sbin and its clients, mysqldump among them, in /usr/bin).
        Path binary = found.find(tool).or(() -> found.distribution().hostSearchPath().stream()
                .map(directory -> directory.resolve(tool))
                .filter(file -> Files.isRegularFile(file) && Files.isExecutable(file))
                .findFirst()).orElseThrow(() -> new UnsupportedOperationAddonException(
                "not supported here: " + definition.engine() + " " + definition.version() + "'s binaries ("
                        + found.source() + ", in " + found.directories() + " and "
                        + found.distribution().hostSearchPath() + ") have no '" + tool + "'. "
                        + BinaryResolver.USE_A_CONTAINER));
        List<String> full = new ArrayList<>(command);
        full.set(0, binary.toString());
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        user.environment(env, Path.of("/nonexistent"));
        env.putAll(environment);
        found.libraryDirectoryIfAny().ifPresent(lib -> env.put("LD_LIBRARY_PATH", lib.toString()));
        LOG.debug("{} - Running {} as {}", server.serverId(), tool, user);
        ToolRun.run("server '" + server.serverId() + "'", tool, user.wrap(full), env, stdin, stdout);
    }

    /**
     * Stops the engine, moves the old file aside, writes the new one with the old one's
     * permissions, and launches the engine again; on failure the old file goes back and the
     * engine is launched on it.
     */
    @Override
    public RunningServer replaceDataFile(RunningServer server, ServerDefinition definition, String relativePath,
            InputStream content, ProgressListener progress) {
        requireOpen();
        ServerRecord record = ServerRecord.of(server);
        Path data = record.directories().data();
        Path target = DataFiles.resolve(data, relativePath);
        Path aside = target.resolveSibling(target.getFileName() + ".addons-old");
        Path incoming = target.resolveSibling(target.getFileName() + ".addons-new");
        try {
            Files.deleteIfExists(incoming);
            Files.copy(content, incoming);
            Files.setPosixFilePermissions(incoming, PosixFilePermissions.fromString("rw-------"));
            stop(record, "to replace " + relativePath);
            boolean hadOld = Files.exists(target);
            if (hadOld) {
                Files.move(target, aside, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(incoming, target, StandardCopyOption.ATOMIC_MOVE);
            try {
                RunningServer restarted = launchAgain(server, definition, record, progress);
                Files.deleteIfExists(aside);
                return restarted;
            } catch (ProvisioningException e) {
                LOG.warn("{} - Did not start on the new {}; putting the old one back", server.serverId(),
                        relativePath);
                stop(ServerRecord.of(server), "after a failed start");
                if (hadOld) {
                    Files.move(aside, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } else {
                    Files.deleteIfExists(target);
                }
                String message = "Server '" + server.serverId() + "' did not start on the new " + relativePath
                        + "; the old one is back in place: " + e.getMessage();
                RunningServer again;
                try {
                    again = launchAgain(server, definition, record, progress);
                } catch (RuntimeException failure) {
                    e.addSuppressed(failure);
                    throw new ProvisioningException(message, e);
                }
                // A new process: the caller's record of the old one no longer finds it.
                throw new DataFileNotReplacedException(message, again, e);
            }
        } catch (IOException e) {
            throw new ProvisioningException("Could not replace " + relativePath + " of server '" + server.serverId()
                    + "': " + e, e);
        } finally {
            try {
                Files.deleteIfExists(incoming);
            } catch (IOException e) {
                LOG.debug("{} - cannot delete {}", server.serverId(), incoming, e);
            }
        }
    }

    /** The server's {@code data} directory under {@code <home>/servers/<serverId>/}. */
    @Override
    public Optional<Path> dataDirectory(RunningServer server) {
        return Optional.of(ServerRecord.of(server).directories().data());
    }

    /**
     * Stops the engine, moves its data directory aside ({@code data.addons-old}), has
     * {@code writer} fill a new one and launches the engine on it; on failure the new directory
     * is deleted, the old one moved back and the engine launched on it. A directory left aside by
     * a replacement whose JVM died is put back first when the data directory is missing, else
     * deleted.
     */
    @Override
    public RunningServer replaceDataDirectory(RunningServer server, ServerDefinition definition,
            ProcessRecipe.Initializer writer, ProgressListener progress) {
        requireOpen();
        ServerRecord record = ServerRecord.of(server);
        Path data = record.directories().data();
        Path aside = data.resolveSibling(data.getFileName() + ".addons-old");
        try {
            stop(record, "to replace its data directory");
            if (Files.exists(aside)) {
                if (Files.isDirectory(data)) {
                    ServerDirectories.deleteRecursively(aside);
                } else {
                    Files.move(aside, data, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            Files.move(data, aside, StandardCopyOption.ATOMIC_MOVE);
            Files.createDirectory(data, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new ProvisioningException("Could not move the data directory of server '" + server.serverId()
                    + "' aside to replace it: " + e, e);
        }
        try {
            ServerStart start = prepare(server.serverId(), definition, record.directories(), progress);
            RunningServer replaced = withPorts(server.serverId(), definition, server.endpoint(),
                    server.extraEndpoints(), (port, extras) -> start.rerunAfter(writer, port, extras));
            // Renamed first: a directory still named aside would be put back by the next start.
            Path replacedDirectory = data.resolveSibling(data.getFileName() + ".addons-replaced");
            try {
                ServerDirectories.deleteRecursively(replacedDirectory);
                Files.move(aside, replacedDirectory, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                LOG.warn("{} - Cannot retire the old data directory {}: {}", server.serverId(), aside, e.toString());
            }
            deleteQuietly(server.serverId(), replacedDirectory);
            return replaced;
        } catch (RuntimeException e) {
            LOG.warn("{} - Did not start on the new data directory; putting the old one back", server.serverId());
            String message = "Server '" + server.serverId() + "' did not start on the new data directory; the old"
                    + " one is back in place: " + e.getMessage();
            RunningServer again;
            try {
                stop(ServerRecord.of(server), "after a failed start");
                ServerDirectories.deleteRecursively(data);
                Files.move(aside, data, StandardCopyOption.ATOMIC_MOVE);
                again = launchAgain(server, definition, record, progress);
            } catch (IOException | RuntimeException failure) {
                e.addSuppressed(failure);
                throw new ProvisioningException(message, e);
            }
            throw new DataFileNotReplacedException(message, again, e);
        }
    }

    /**
     * A data directory left aside ({@code data.addons-old}) means a replacement whose JVM died
     * before the server was ready on the new one: the old data goes back, so that the server
     * starts on its data as it was before that replacement.
     */
    private static void putBackInterruptedReplacement(String serverId, Path data) {
        Path aside = data.resolveSibling(data.getFileName() + ".addons-old");
        if (!Files.isDirectory(aside)) {
            return;
        }
        LOG.warn("{} - A replacement of its data directory was interrupted; putting the old one back", serverId);
        try {
            ServerDirectories.deleteRecursively(data);
            Files.move(aside, data, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ProvisioningException("Could not put back the data directory of server '" + serverId
                    + "' that an interrupted replacement left in " + aside + ": " + e, e);
        }
    }

    private static void deleteQuietly(String serverId, Path directory) {
        try {
            ServerDirectories.deleteRecursively(directory);
        } catch (IOException e) {
            LOG.warn("{} - Cannot delete the old data directory {} (the next replacement does): {}", serverId,
                    directory, e.toString());
        }
    }

    private RunningServer launchAgain(RunningServer server, ServerDefinition definition, ServerRecord record,
            ProgressListener progress) {
        putBackInterruptedReplacement(server.serverId(), record.directories().data());
        ServerStart start = prepare(server.serverId(), definition, record.directories(), progress);
        return withPorts(server.serverId(), definition, server.endpoint(), server.extraEndpoints(), start::rerun);
    }

    /** Stops the engine as a restart would (its stop signal, then a kill after its timeout); keeps its directory. */
    @Override
    public void stop(RunningServer server) {
        requireOpen();
        stop(ServerRecord.of(server), "on request; its data is kept");
    }

    /** Whether the server's data directory is still there. */
    @Override
    public boolean hasData(RunningServer server) {
        Path data = ServerRecord.of(server).directories().data();
        return Files.isDirectory(data) || Files.isDirectory(data.resolveSibling(data.getFileName() + ".addons-old"));
    }

    @Override
    public String logTail(RunningServer server, int lines) {
        return LogTail.lastLines(ServerRecord.of(server).directories().log(), 0, lines);
    }

    private static void stop(ServerRecord record, String why) {
        Optional<ProcessHandle> process = record.process();
        if (process.isEmpty()) {
            return;
        }
        LOG.info("{} - Stopping (pid {}) {} ...", record.serverId(), record.pid(), why);
        try {
            // A stopped engine, or stopped children it waits for, would act on the signal only when killed.
            ProcessStates.resumeStopped(process.get());
            ProcessControl.stop(process.get(), record.stopSignal(), record.stopTimeout());
        } catch (IOException e) {
            throw new ProvisioningException("Could not stop server '" + record.serverId() + "' " + why + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisioningException("Interrupted while stopping server '" + record.serverId() + "'", e);
        }
    }

    /**
     * Stops the engines of server directories under the home that {@code isKnown} rejects (found
     * by the pid and start time each start records in its directory, with what their sessions
     * left) and deletes those directories.
     */
    @Override
    public List<String> removeStrays(java.util.function.Predicate<String> isKnown) {
        Path servers = home.resolve("servers");
        if (!Files.isDirectory(servers)) {
            return List.of();
        }
        List<Path> held;
        try (java.util.stream.Stream<Path> listed = Files.list(servers)) {
            held = listed.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new ProvisioningException("Cannot list " + servers + ": " + e, e);
        }
        List<String> removed = new ArrayList<>();
        for (Path directory : held) {
            String serverId = directory.getFileName().toString();
            if (WarmServers.isUnclaimed(directory) || WarmPools.isStarting(directory)) {
                continue; // A pool's: removeWarm removes those no longer wanted.
            }
            Optional<String> owner = WarmServers.owner(directory);
            if (owner.isPresent() && isKnown.test(owner.get())) {
                continue;
            }
            ServerDirectories directories = new ServerDirectories(directory);
            try {
                Optional<EngineProcess> engine = directories.recordedEngine();
                if (engine.isPresent()) {
                    Optional<ProcessHandle> process = engine.get().find();
                    if (process.isPresent()) {
                        ProcessControl.killTree(process.get());
                    }
                    engine.get().killSession();
                }
                directories.delete();
                LOG.warn("{} - Removed stray server {} (no record names it){}", home, serverId,
                        engine.map(e -> "; stopped its engine, pid " + e.pid()).orElse(""));
                removed.add(serverId);
            } catch (IOException e) {
                LOG.warn("{} - Cannot remove stray server directory {}: {}", home, directory, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProvisioningException("Interrupted while removing stray servers of " + home, e);
            }
        }
        return removed;
    }

    /** A stopped engine process (SIGSTOP) holds its port and answers nothing. */
    @Override
    public Optional<String> whyNotServing(RunningServer server) {
        ServerRecord record = ServerRecord.of(server);
        return record.process().filter(p -> ProcessStates.isStopped(p.pid())).map(p -> "its engine (pid " + p.pid()
                + ") is stopped (SIGSTOP): it accepts connections but answers none. Restart it, or send it SIGCONT");
    }

    @Override
    public boolean isRunning(RunningServer server) {
        return ServerRecord.of(server).process().isPresent();
    }

    @Override
    public void destroy(RunningServer server) {
        ServerRecord record = ServerRecord.of(server);
        Optional<ProcessHandle> process = record.process();
        try {
            if (process.isEmpty() && !Files.exists(record.directories().root())) {
                LOG.debug("{} - Already gone", server.serverId());
                return;
            }
            if (process.isPresent()) {
                LOG.info("{} - Stopping (pid {}) ...", server.serverId(), record.pid());
                long begin = System.nanoTime();
                // Its directories go with it: a recipe whose engine keeps nothing elsewhere may say KILL here.
                ProcessControl.Stopping stopping = ProcessControl.beginStop(process.get(), record.destroySignal());
                boolean clean = endsAtOnce(record.destroySignal()) ? deleteDataWhileExiting(record, stopping)
                        : stopping.finish(record.stopTimeout());
                LOG.debug("{} - Stopped {} in {} ms", server.serverId(), clean ? "on SIG" + record.destroySignal()
                        : "by SIGKILL", (System.nanoTime() - begin) / 1_000_000);
            } else {
                LOG.debug("{} - No process {} of ours is running", server.serverId(), record.pid());
                // A server that died may have left children behind, re-parented but still in its session.
                int left = record.engine().killSession();
                if (left > 0) {
                    LOG.info("{} - Killed {} process(es) the dead server left behind", server.serverId(), left);
                }
            }
            record.directories().delete();
            LOG.info("{} - Destroyed", server.serverId());
        } catch (IOException e) {
            throw new ProvisioningException("Could not destroy server '" + server.serverId() + "' in "
                    + record.directories() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisioningException("Interrupted while destroying server '" + server.serverId() + "'", e);
        }
    }

    /**
     * Whether an engine ends on {@code signal} without writing its data any more: SIGKILL, or
     * SIGQUIT, which PostgreSQL takes for its immediate shutdown (the next start would recover
     * from its WAL) and other engines for a core dump, never an orderly stop.
     */
    private static boolean endsAtOnce(ProcessRecipe.StopSignal signal) {
        return signal == ProcessRecipe.StopSignal.KILL || signal == ProcessRecipe.StopSignal.QUIT;
    }

    /**
     * Finishes {@code stopping} (its signal, one on which the engine {@link #endsAtOnce ends at
     * once}, sent) while this thread deletes the server's data: the wait for the engine's exit and
     * the deletion overlap. The rest of its directory, the record of its pid among it, stays for
     * the caller to delete once it has gone, with anything the engine made in its data meanwhile.
     * Returns whether it stopped on the signal alone.
     */
    private static boolean deleteDataWhileExiting(ServerRecord record, ProcessControl.Stopping stopping)
            throws InterruptedException {
        FutureTask<Boolean> exit = new FutureTask<>(() -> stopping.finish(record.stopTimeout()));
        Thread waiter = new Thread(exit, "addons-stop");
        waiter.setDaemon(true);
        waiter.start();
        try {
            ServerDirectories.deleteRecursively(record.directories().data());
        } catch (IOException e) {
            // A file the engine made as it went, or a failure the deletion after its exit meets again.
            LOG.debug("{} - Deleting its data while it exits: {}", record.serverId(), e.toString());
        }
        try {
            return exit.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        }
    }

    /**
     * Deletes the data templates new servers are copied from (see
     * {@link dev.addons.api.spi.DataTemplate}), kept in {@code <cache>/templates}, for every home
     * sharing the cache; the next start of each engine builds its template again. Running servers are not touched; a server
     * starting meanwhile may fail and can be created again. Returns how many templates there were.
     */
    public int clearTemplates() {
        try {
            return templates.clear();
        } catch (IOException e) {
            throw new ProvisioningException("Could not clear the templates in " + templates.root() + ": " + e, e);
        }
    }

    /** The templates this runtime builds and copies from: for tests. */
    DataTemplates templates() {
        return templates;
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the process runtime is closed");
        }
    }

    /**
     * Releases the HTTP client and stops making template spares and warm servers (one being started
     * is deleted); servers, warm ones among them, keep running. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.getAndSet(true)) {
            try {
                warm.close();
                templates.close();
            } finally {
                binaries.close();
            }
        }
    }
}
