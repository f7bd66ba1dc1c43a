package dev.addons.core.internal;

import dev.addons.api.AddonException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
    /** The channels this JVM holds a file lock through, by lock file. */
    private static final ConcurrentHashMap<Path, FileChannel> HELD = new ConcurrentHashMap<>();
    private static final ByteBuffer RETIRED = ByteBuffer.wrap(new byte[] {'x'}).asReadOnlyBuffer();

    private HomeLock() {
    }

    /** Runs {@code work} holding the lock on {@code lockFile}. Re-entrant within a thread. */
    public static <T> T with(Path lockFile, Supplier<T> work) {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock jvmLock = jvmLock(key);
        try {
            if (jvmLock.getHoldCount() > 1) {
                return work.get();
            }
            while (true) {
                try (FileChannel channel = PrivateFiles.lockFile(lockFile); FileLock ignored = acquire(channel)) {
                    if (channel.size() > 0) {
                        // Retired (see retire) while this waited: lock its successor. A retired file
                        // still at the path was left by a process that died between mark and delete.
                        deleteIfRetired(lockFile);
                        continue;
                    }
                    HELD.put(key, channel);
                    try {
                        return work.get();
                    } finally {
                        HELD.remove(key);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        } catch (UncheckedIOException e) {
            throw new AddonException("Cannot lock " + lockFile + ": " + e.getCause().getMessage(), e);
        } finally {
            jvmLock.unlock();
        }
    }

    /**
     * Deletes {@code lockFile}, whose subject (a server, an addon) is gone, so that lock files do
     * not pile up in a home. Done holding the lock: the file is marked retired (one byte written)
     * then deleted, and a process that opened it before and locks it after sees the mark and
     * locks a new file instead. When another thread or process holds the lock, the file is left.
     */
    public static void retire(Path lockFile) {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock jvmLock = JVM_LOCKS.get(key);
        if (jvmLock != null && jvmLock.isHeldByCurrentThread()) {
            FileChannel held = HELD.get(key);
            if (held != null) {
                markAndDelete(key, held);
            }
            return;
        }
        if (!Files.exists(lockFile)) {
            return;
        }
        ReentrantLock lock = jvmLock(key, false);
        if (lock == null) {
            return;
        }
        try (FileChannel channel = PrivateFiles.lockFile(lockFile); FileLock fileLock = channel.tryLock()) {
            if (fileLock != null && channel.size() == 0) {
                markAndDelete(key, channel);
            }
        } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
            // left for a later retire: a lock file is harmless
        } finally {
            lock.unlock();
        }
    }

    private static void deleteIfRetired(Path lockFile) throws IOException {
        try {
            if (Files.size(lockFile) > 0) {
                Files.deleteIfExists(lockFile);
            }
        } catch (NoSuchFileException gone) {
            // deleted by its retirer, as it should be
        }
    }

    private static void markAndDelete(Path key, FileChannel channel) {
        try {
            channel.write(RETIRED.duplicate(), 0);
            Files.deleteIfExists(key);
            JVM_LOCKS.remove(key);
        } catch (IOException e) {
            // left: a lock file is harmless
        }
    }

    /** Takes this JVM's lock of {@code key}, the one the map holds (a retired file's is dropped). */
    private static ReentrantLock jvmLock(Path key) {
        return jvmLock(key, true);
    }

    private static ReentrantLock jvmLock(Path key, boolean wait) {
        while (true) {
            ReentrantLock lock = JVM_LOCKS.computeIfAbsent(key, p -> new ReentrantLock());
            if (wait) {
                lock.lock();
            } else if (!lock.tryLock()) {
                return null;
            }
            if (JVM_LOCKS.get(key) == lock) {
                return lock;
            }
            lock.unlock();
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
