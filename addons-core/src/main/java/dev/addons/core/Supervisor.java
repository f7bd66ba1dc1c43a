package dev.addons.core;

import dev.addons.core.internal.Watch;
import java.time.Duration;
import java.util.List;
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
 */
public final class Supervisor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
    /** How often the watches look again. */
    static final Duration TICK = Duration.ofSeconds(1);

    private final String home;
    private final List<Watch> watches;
    private final ScheduledExecutorService thread;
    private final AtomicBoolean closed = new AtomicBoolean();

    Supervisor(String home, List<Watch> watches, Duration tick) {
        this.home = home;
        this.watches = List.copyOf(watches);
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "addons-supervisor");
            t.setDaemon(true);
            return t;
        });
        for (Watch watch : this.watches) {
            run(watch, true);
        }
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
        LOG.info("{} - No longer supervising; servers keep running", home);
    }
}
