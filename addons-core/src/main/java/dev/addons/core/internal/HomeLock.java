package dev.addons.core.internal;

import dev.addons.api.AddonException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Mutual exclusion across threads and processes on a named lock file. A file lock alone is
 * per-process in Java (a second lock from the same JVM fails), so each file also gets a JVM-wide
 * {@link ReentrantLock}, taken first.
 */
public final class HomeLock {
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private HomeLock() {
    }

    /** Runs {@code work} holding the lock on {@code lockFile}. Re-entrant within a thread. */
    public static <T> T with(Path lockFile, Supplier<T> work) {
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), p -> new ReentrantLock());
        jvmLock.lock();
        try {
            if (jvmLock.getHoldCount() > 1) {
                return work.get();
            }
            try (FileChannel channel = PrivateFiles.lockFile(lockFile); FileLock ignored = channel.lock()) {
                return work.get();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } catch (UncheckedIOException e) {
            throw new AddonException("Cannot lock " + lockFile + ": " + e.getCause().getMessage(), e);
        } finally {
            jvmLock.unlock();
        }
    }
}
