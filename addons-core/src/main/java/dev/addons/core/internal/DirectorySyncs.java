package dev.addons.core.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Group commit of directory syncs: a rename into a directory is durable once the directory is
 * forced after it, and one force covers every rename made into it before the force began. A
 * writer takes a ticket after its rename ({@link #renamed}) and {@link #sync}s with it: when a
 * force that began after its rename has ended meanwhile (another thread's), there is nothing
 * left to do; otherwise it forces the directory, for itself and for every rename counted so far.
 * Threads that wait here while one forces thus share its force instead of queueing one each.
 * Counts this instance's renames only; other processes sync their own. Thread-safe.
 */
final class DirectorySyncs {
    private final Map<Path, Group> groups = new ConcurrentHashMap<>();
    private final AtomicLong forces = new AtomicLong();

    /** One directory's renames counted so far, and how many of them a finished force covered. */
    private static final class Group {
        private final AtomicLong renames = new AtomicLong();
        /** Guarded by this group. */
        private long synced;
    }

    /** Counts a rename into {@code directory}, made before this call: its ticket for {@link #sync}. */
    long renamed(Path directory) {
        return group(directory).renames.incrementAndGet();
    }

    /** Returns once the rename of {@code ticket} (and every earlier one) into {@code directory} is on disk. */
    void sync(Path directory, long ticket) throws IOException {
        Group group = group(directory);
        synchronized (group) {
            if (group.synced >= ticket) {
                return;
            }
            long covered = group.renames.get();
            PrivateFiles.syncDirectory(directory);
            forces.incrementAndGet();
            group.synced = covered;
        }
    }

    /** How many forces this instance made: for tests. */
    long forces() {
        return forces.get();
    }

    private Group group(Path directory) {
        return groups.computeIfAbsent(directory.toAbsolutePath().normalize(), d -> new Group());
    }
}
