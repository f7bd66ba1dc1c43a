package dev.addons.core;

import dev.addons.api.AddonException;
import dev.addons.core.internal.PrivateFiles;
import dev.addons.core.internal.Watch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an addons home's servers up while it runs: made by {@link Addons#supervise()} (or
 * {@code Addons.builder().supervise(true)}) and by {@code addons agent}. It runs its watches on one
 * daemon thread, about once a second. Closing it stops the watching and leaves every server as it
 * is. Thread-safe; {@link #close()} is idempotent.
 *
 * <p>One supervisor per home at a time, across processes: it holds a lock on
 * {@code <home>/state/supervisor.lock}, which names its process; {@link #runningFor(Path)} tells
 * whether one runs.
 */
public final class Supervisor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
    /** How often the watches look again. */
    static final Duration TICK = Duration.ofSeconds(1);

    /** The homes a supervisor of this JVM holds; a JVM cannot ask its own file lock. */
    private static final Set<Path> SUPERVISED = new HashSet<>();

    private final String home;
    private final Path homePath;
    private final FileChannel lockChannel;
    private final List<Watch> watches;
    private final ScheduledExecutorService thread;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);

    /**
     * Takes the home's supervisor lock, then starts the watches.
     *
     * @throws AddonException when another supervisor runs for the home, naming its process
     */
    Supervisor(Path home, List<Watch> watches, Duration tick) {
        this.homePath = home.toAbsolutePath().normalize();
        this.home = homePath.toString();
        this.lockChannel = lock(homePath);
        this.watches = List.copyOf(watches);
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "addons-supervisor");
            t.setDaemon(true);
            return t;
        });
        // On the thread, not here: a close (SIGTERM) need not wait for what start does (up) to end.
        thread.execute(() -> {
            this.watches.forEach(watch -> run(watch, true));
            started.countDown();
        });
        thread.scheduleWithFixedDelay(this::tick, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("{} - Supervising: {}", home, this.watches.stream().map(Watch::name).toList());
    }

    private void tick() {
        for (Watch watch : watches) {
            run(watch, false);
        }
    }

    private void run(Watch watch, boolean first) {
        try {
            if (first) {
                watch.start();
            } else {
                watch.tick();
            }
        } catch (RuntimeException e) {
            LOG.warn("{} - The {} watch failed: {}", home, watch.name(), e.toString());
        }
    }

    /**
     * The process id of the supervisor running for {@code home} (in this or another process), or
     * empty when none does.
     */
    public static Optional<Long> runningFor(Path home) {
        Path normalized = home.toAbsolutePath().normalize();
        Path file = lockFile(normalized);
        synchronized (SUPERVISED) {
            if (SUPERVISED.contains(normalized)) {
                return Optional.of(ProcessHandle.current().pid());
            }
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            try (FileChannel channel = PrivateFiles.lockFile(file); FileLock free = channel.tryLock()) {
                return free != null ? Optional.empty() : Optional.of(pidIn(file));
            } catch (NoSuchFileException e) {
                return Optional.empty();
            } catch (IOException e) {
                throw new AddonException("Cannot tell whether a supervisor runs for " + normalized + ": "
                        + e.getMessage(), e);
            }
        }
    }

    private static FileChannel lock(Path home) {
        Path file = lockFile(home);
        synchronized (SUPERVISED) {
            if (SUPERVISED.contains(home)) {
                throw refused(home, ProcessHandle.current().pid());
            }
            FileChannel channel = null;
            try {
                channel = PrivateFiles.lockFile(file);
                FileLock lock = null;
                // A look by runningFor from another process holds it for an instant: try a few times.
                for (int attempt = 0; attempt < 10 && lock == null; attempt++) {
                    lock = channel.tryLock();
                    if (lock == null) {
                        Thread.sleep(50);
                    }
                }
                if (lock == null) {
                    throw refused(home, pidIn(file));
                }
                channel.truncate(0);
                channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n")
                        .getBytes(StandardCharsets.US_ASCII)), 0);
                channel.force(false);
                SUPERVISED.add(home);
                return channel;
            } catch (IOException | OverlappingFileLockException e) {
                closeQuietly(channel);
                throw new AddonException("Cannot take the supervisor lock " + file + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closeQuietly(channel);
                throw new AddonException("Interrupted while taking the supervisor lock " + file, e);
            } catch (AddonException e) {
                closeQuietly(channel);
                throw e;
            }
        }
    }

    private static AddonException refused(Path home, long pid) {
        return new AddonException("A supervisor already runs for the addons home " + home + " (pid " + pid
                + "): one per home at a time; stop it first (e.g. kill " + pid + ")");
    }

    private static long pidIn(Path file) {
        try {
            return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException e) {
            return -1; // Taken an instant ago: it has not written its pid yet.
        }
    }

    private static Path lockFile(Path home) {
        return home.resolve("state").resolve("supervisor.lock");
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Closing releases the lock; nothing else to do.
            }
        }
    }

    /**
     * Waits until every watch has started (the first {@code up} of the home's addons is done),
     * at most {@code timeout}; returns whether they have.
     *
     * @since 0.1.0
     */
    public boolean awaitStarted(Duration timeout) throws InterruptedException {
        return started.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether it is still watching. */
    public boolean isRunning() {
        return !closed.get();
    }

    /**
     * Stops watching, waiting up to five seconds for a tick under way, and closes the watches in
     * reverse order. Servers keep running, asleep or stopped as they are. Idempotent.
     */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("{} - A supervisor tick did not end within 5 s", home);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (int i = watches.size() - 1; i >= 0; i--) {
            try {
                watches.get(i).close();
            } catch (RuntimeException e) {
                LOG.warn("{} - Closing the {} watch failed: {}", home, watches.get(i).name(), e.toString());
            }
        }
        synchronized (SUPERVISED) {
            closeQuietly(lockChannel);
            SUPERVISED.remove(homePath);
        }
        LOG.info("{} - No longer supervising; servers keep running", home);
    }
}
