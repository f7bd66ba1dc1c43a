package dev.addons.core.internal.process;

import dev.addons.api.spi.ServerDefinition;
import dev.addons.core.runtime.ProgressListener;
import dev.addons.core.runtime.RunningServer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process runtime's warm servers (see {@link WarmServers} for how they are kept on disk):
 * starts them, in the background or when asked, and finds those to remove. A warm server being
 * started holds a lock on {@code servers/<warm id>.starting}, so that a sweep of strays (from
 * this program or another) leaves its directory alone until it is offered. Thread-safe.
 */
final class WarmPools {
    private static final Logger LOG = LoggerFactory.getLogger(WarmPools.class);

    private final ProcessRuntime runtime;
    private final Path servers;
    private final WarmSizes sizes;
    private final boolean inBackground;
    /** Where this program runs, to have its pools filled after it exits; null when it fills them itself. */
    private final Path launcher;
    /** The pools found lacking while {@link #launcher} fills them. */
    private final java.util.Set<String> lacking = ConcurrentHashMap.newKeySet();
    /** Warm servers being started by this runtime, per pool. */
    private final Map<String, Integer> starting = new ConcurrentHashMap<>();
    private volatile ExecutorService starter;
    /** The background starts submitted and not yet seen done. */
    private final java.util.Queue<java.util.concurrent.Future<?>> submitted =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    /**
     * Pools of the runtime's servers under {@code servers}, filled by a thread of this runtime
     * when {@code inBackground}; else, when {@code launcher} is not null, by that command
     * ({@code bin/addons}) in a detached process once this one closes; else only by {@link #fill}.
     */
    WarmPools(ProcessRuntime runtime, Path servers, WarmSizes sizes, boolean inBackground, Path launcher) {
        this.runtime = runtime;
        this.servers = servers;
        this.sizes = sizes;
        this.inBackground = inBackground;
        this.launcher = inBackground ? null : launcher;
    }

    WarmSizes sizes() {
        return sizes;
    }

    /** The unclaimed warm servers whose engine runs, per pool. */
    Map<String, Integer> ready() {
        Map<String, Integer> ready = new TreeMap<>();
        for (WarmServers.Warm warm : WarmServers.unclaimed(servers)) {
            if (ServerRecord.of(warm.server()).process().isPresent()) {
                ready.merge(warm.pool(), 1, Integer::sum);
            }
        }
        return ready;
    }

    /** How many warm servers {@code pool} lacks, counting those this runtime is starting. */
    int missing(String engine, String version) {
        String pool = WarmServers.pool(engine, version);
        return Math.max(0, sizes.size(engine, version) - ready().getOrDefault(pool, 0)
                - starting.getOrDefault(pool, 0));
    }

    /** Starts what {@code pool} lacks on a thread of this runtime, unless it starts none in the background. */
    void keep(String engine, String version, Supplier<ServerDefinition> definitions) {
        int missing = missing(engine, version);
        if (missing == 0) {
            return;
        }
        String pool = WarmServers.pool(engine, version);
        if (!inBackground) {
            if (launcher != null) {
                lacking.add(pool);
            }
            return;
        }
        starting.merge(pool, missing, Integer::sum);
        ExecutorService executor = executor();
        for (int i = 0; i < missing; i++) {
            submitted.add(executor.submit(() -> {
                try {
                    start(pool, definitions.get(), ProgressListener.NONE);
                } catch (RuntimeException e) {
                    LOG.warn("Could not start a warm {} server: {}", pool,
                            e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse(""));
                } finally {
                    starting.merge(pool, -1, Integer::sum);
                }
            }));
        }
    }

    /**
     * Waits for the background starts submitted so far (each ends started, failed or cancelled),
     * at most {@code timeout}; returns whether all have ended.
     */
    boolean awaitStarts(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (java.util.concurrent.Future<?> start = submitted.peek(); start != null; start = submitted.peek()) {
            try {
                start.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
                // Ended: a failed start logged its reason.
            } catch (java.util.concurrent.TimeoutException e) {
                return false;
            }
            submitted.remove(start);
        }
        return true;
    }

    /**
     * Starts what {@code pool} lacks now, one after the other; returns how many it started. One
     * fill at a time per home, across programs ({@code <home>/warm.lock}), so that two commands
     * exiting together do not both fill the same pool.
     */
    int fill(String engine, String version, Supplier<ServerDefinition> definitions, ProgressListener progress) {
        try {
            Files.createDirectories(servers);
            try (FileChannel channel = FileChannel.open(servers.resolveSibling("warm.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
                int started = 0;
                for (int missing = missing(engine, version); missing > 0; missing--) {
                    start(WarmServers.pool(engine, version), definitions.get(), progress);
                    started++;
                }
                return started;
            }
        } catch (IOException e) {
            throw new dev.addons.api.ProvisioningException("Could not fill the warm " + engine + " " + version
                    + " pool: " + e, e);
        }
    }

    /** Starts one warm server of {@code pool} and offers it. */
    RunningServer start(String pool, ServerDefinition definition, ProgressListener progress) {
        String id = WarmServers.newId();
        Path lockFile = servers.resolve(id + ".starting");
        try {
            Files.createDirectories(servers);
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = channel.lock()) {
                RunningServer server = runtime.startWarm(id, definition, progress);
                try {
                    WarmServers.offer(ServerDirectories.of(servers.getParent(), id), pool, definition.adminPassword(),
                            server);
                } catch (IOException | RuntimeException e) {
                    runtime.destroy(server);
                    throw e;
                }
                LOG.info("{} - Warm {} server ready on {}", id, pool, server.endpoint());
                return server;
            } finally {
                Files.deleteIfExists(lockFile);
            }
        } catch (IOException e) {
            throw new dev.addons.api.ProvisioningException("Could not start a warm " + pool + " server: " + e, e);
        }
    }

    /**
     * Whether the warm server directory {@code directory} is being started (by this program or
     * another): its lock is held.
     */
    static boolean isStarting(Path directory) {
        Path lockFile = directory.resolveSibling(directory.getFileName() + ".starting");
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            Files.deleteIfExists(lockFile);
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // This JVM holds it.
        } catch (IOException e) {
            return Files.exists(lockFile);
        }
    }

    /**
     * The unclaimed warm servers to remove: all of them, or those beyond their pool's size (the
     * newest go first) and those whose engine no longer runs.
     */
    List<RunningServer> surplus(boolean all) {
        Map<String, Integer> kept = new TreeMap<>();
        List<RunningServer> surplus = new ArrayList<>();
        List<WarmServers.Warm> unclaimed = new ArrayList<>(WarmServers.unclaimed(servers));
        unclaimed.sort(java.util.Comparator.comparing(w -> w.server().attributes()
                .getOrDefault(ProcessRuntime.PID_START, "")));
        for (WarmServers.Warm warm : unclaimed) {
            String[] pool = warm.pool().split("/", 2);
            int size = pool.length == 2 ? sizes.size(pool[0], pool[1]) : 0;
            boolean running = ServerRecord.of(warm.server()).process().isPresent();
            if (all || !running || kept.merge(warm.pool(), 1, Integer::sum) > size) {
                surplus.add(warm.server());
            }
        }
        return surplus;
    }

    /**
     * Has a detached, low-priority {@code <launcher> --home <home> warm --quiet --pool ...} fill
     * the lacking pools: it outlives this program, which exits right after its output.
     */
    private void fillAfterExit() {
        List<String> command = new ArrayList<>(List.of("setsid", "nice", launcher.toString(), "--home",
                servers.getParent().toString(), "warm", "--quiet"));
        new java.util.TreeSet<>(lacking).forEach(pool -> command.addAll(List.of("--pool", pool)));
        try {
            Detached.start(new ProcessBuilder(command), Path.of("/dev/null"));
            LOG.debug("Filling the warm pools {} after exit", lacking);
        } catch (IOException e) {
            LOG.warn("Could not have the warm pools {} filled after exit: {}", lacking, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("Interrupted while having the warm pools {} filled after exit", lacking);
        }
    }

    private ExecutorService executor() {
        ExecutorService executor = starter;
        if (executor == null) {
            synchronized (this) {
                if (starter == null) {
                    starter = Executors.newSingleThreadExecutor(task -> {
                        Thread thread = new Thread(task, "addons-warm-servers");
                        thread.setDaemon(true);
                        return thread;
                    });
                }
                executor = starter;
            }
        }
        return executor;
    }

    /**
     * Stops starting warm servers: one under way is interrupted, which deletes what it made;
     * those already offered keep running. A later {@link #keep} starts again.
     */
    void stopStarting() {
        ExecutorService executor;
        synchronized (this) {
            executor = starter;
            starter = null;
        }
        if (executor != null) {
            executor.shutdownNow();
            try {
                if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                    LOG.warn("A warm server still starting after 30 s; the next sweep removes it");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // Starts still queued never ran, so never counted themselves out.
            starting.clear();
            submitted.clear();
        }
    }

    /** {@link #stopStarting()}, after handing the pools this program found lacking to the launcher, if any. */
    void close() {
        if (launcher != null && !lacking.isEmpty()) {
            fillAfterExit();
        }
        stopStarting();
    }
}
