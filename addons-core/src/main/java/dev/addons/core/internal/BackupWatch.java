package dev.addons.core.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's watch on scheduled backups: about once a minute it takes those that are due
 * ({@link Backups#runDue()}), on a thread of its own so that a long backup delays no other watch;
 * one run at a time. Thread-safe.
 */
public final class BackupWatch implements Watch {
    private static final Logger LOG = LoggerFactory.getLogger(BackupWatch.class);
    private static final Duration EVERY = Duration.ofMinutes(1);

    private final String home;
    private final Backups backups;
    private final Executor executor;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean closed;
    private Instant next = Instant.now().plus(EVERY);

    public BackupWatch(String home, Backups backups, Executor executor) {
        this.home = home;
        this.backups = backups;
        this.executor = executor;
    }

    @Override
    public String name() {
        return "backups";
    }

    @Override
    public void tick() {
        Instant now = Instant.now();
        if (closed || now.isBefore(next) || !running.compareAndSet(false, true)) {
            return;
        }
        next = now.plus(EVERY);
        try {
            executor.execute(() -> {
                try {
                    int taken = backups.runDue();
                    if (taken > 0) {
                        LOG.info("{} - took {} scheduled backup(s)", home, taken);
                    }
                } catch (RuntimeException e) {
                    LOG.warn("{} - scheduled backups failed: {}", home, e.toString());
                } finally {
                    running.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            running.set(false); // Closing.
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
