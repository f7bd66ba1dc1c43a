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
 *
 * <p>File locks belong to a process, not to a thread, so the kernel's deadlock detection sees
 * false cycles between two multi-threaded JVMs: JVM A's thread 1 holds lock X and waits for Y,
 * held by one of JVM B's threads, while another of B's threads waits for X. Neither thread waits
 * for the other, yet the kernel refuses the wait with {@code EDEADLK} ("Resource deadlock
 * avoided"). A refused wait becomes polling with {@link FileChannel#tryLock()}, which the kernel
 * does not check; addons takes its locks in one order (backup locks, then a server's, then the
 * state's), so a real cycle cannot form.
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
            try (FileChannel channel = PrivateFiles.lockFile(lockFile); FileLock ignored = acquire(channel)) {
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

    private static FileLock acquire(FileChannel channel) throws IOException {
        try {
            return channel.lock();
        } catch (IOException deadlockAvoided) {
            // EDEADLK (see above), or a real failure, which tryLock reports again.
            long pauseMillis = 1;
            while (true) {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    return lock;
                }
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for the lock", e);
                }
                pauseMillis = Math.min(pauseMillis * 2, 50);
            }
        }
    }
}
