package dev.addons.micrometer;

import dev.addons.api.AddonRecord;
import dev.addons.api.Status;
import dev.addons.core.Addons;
import dev.addons.core.Health;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gauges show: the home's addons counted by engine and status, and by health, read at
 * most once per refresh interval or after a status change. A failed reading keeps the last one
 * (and is logged). Thread-safe.
 */
final class HomeSnapshot {
    private static final Logger LOG = LoggerFactory.getLogger(HomeSnapshot.class);

    private final Addons addons;
    private final long refreshNanos;
    private Counts counts = Counts.NONE;
    private long readAt;
    /**
     * Not guarded by this object's lock: status listeners may be called under the home's lock,
     * which a reading takes while holding this object's.
     */
    private final AtomicBoolean stale = new AtomicBoolean(true);

    HomeSnapshot(Addons addons, Duration refresh) {
        this.addons = addons;
        this.refreshNanos = refresh.toNanos();
    }

    /** A status change was made: the next read reads the home again. */
    void invalidate() {
        stale.set(true);
    }

    synchronized Counts read() {
        long now = System.nanoTime();
        boolean changed = stale.getAndSet(false); // Cleared first: a change made while reading marks it again.
        if (changed || now - readAt >= refreshNanos) {
            readAt = now;
            try {
                counts = Counts.of(addons);
            } catch (RuntimeException e) {
                LOG.warn("{} - Cannot read the addons for their gauges (the last reading is kept): {}", addons.home(),
                        e.toString());
            }
        }
        return counts;
    }

    /** The counts of one reading. Immutable. */
    static final class Counts {
        static final Counts NONE = new Counts(Map.of(), Map.of(), Map.of());

        private final Map<String, Map<Status, Integer>> byStatus;
        private final Map<String, Integer> up;
        private final Map<String, Integer> down;

        private Counts(Map<String, Map<Status, Integer>> byStatus, Map<String, Integer> up, Map<String, Integer> down) {
            this.byStatus = byStatus;
            this.up = up;
            this.down = down;
        }

        /** Reads the home: every addon (one whose server died is marked failed), then each app's health. */
        static Counts of(Addons addons) {
            List<AddonRecord> all = addons.listAll();
            Map<String, Map<Status, Integer>> byStatus = new HashMap<>();
            Set<List<String>> apps = new LinkedHashSet<>();
            for (AddonRecord record : all) {
                byStatus.computeIfAbsent(record.addon(), e -> new HashMap<>()).merge(record.status(), 1, Integer::sum);
                apps.add(List.of(record.app(), record.environment()));
            }
            Map<String, Integer> up = new HashMap<>();
            Map<String, Integer> down = new HashMap<>();
            for (List<String> app : apps) {
                for (Health health : addons.app(app.get(0), app.get(1)).health()) {
                    Status status = health.addon().status();
                    if (health.healthy()) {
                        up.merge(health.addon().addon(), 1, Integer::sum);
                    } else if (status == Status.ACTIVE || status == Status.FAILED) {
                        down.merge(health.addon().addon(), 1, Integer::sum);
                    }
                }
            }
            return new Counts(byStatus, up, down);
        }

        double count(String engine, Status status) {
            return byStatus.getOrDefault(engine, Map.of()).getOrDefault(status, 0);
        }

        double up(String engine) {
            return up.getOrDefault(engine, 0);
        }

        double down(String engine) {
            return down.getOrDefault(engine, 0);
        }
    }
}
