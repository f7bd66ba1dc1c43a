package dev.addons.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lock files of servers and addons that are gone are deleted ({@link HomeLock#retire}), without
 * letting two holders in: one waiting on the deleted file locks its successor instead.
 */
class HomeLockTest {
    @TempDir
    Path dir;

    @Test
    void aLockRetiredByItsHolderIsDeletedAndTheNextHolderLocksANewFile() {
        Path file = dir.resolve("server-a.lock");

        HomeLock.with(file, () -> {
            HomeLock.with(file, () -> { // re-entered, as destroys do
                HomeLock.retire(file);
                return null;
            });
            return null;
        });

        assertThat(file).doesNotExist();
        boolean existedWhileHeld = HomeLock.with(file, () -> Files.exists(file));
        assertThat(existedWhileHeld).isTrue();
    }

    @Test
    void aLockNobodyHoldsIsRetiredAndOneAnotherThreadHoldsIsLeft() throws Exception {
        Path idle = dir.resolve("server-idle.lock");
        HomeLock.with(idle, () -> null);
        HomeLock.retire(idle);
        assertThat(idle).doesNotExist();

        Path busy = dir.resolve("server-busy.lock");
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> HomeLock.with(busy, () -> {
            held.countDown();
            await(release);
            return null;
        }));
        assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
        HomeLock.retire(busy);
        assertThat(busy).exists();
        release.countDown();
        holder.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aThreadWaitingWhileTheHolderRetiresTheLockHoldsTheNextFile() throws Exception {
        Path file = dir.resolve("server-b.lock");
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> retirer = CompletableFuture.runAsync(() -> HomeLock.with(file, () -> {
            held.countDown();
            await(release);
            HomeLock.retire(file);
            return null;
        }));
        assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> HomeLock.with(file,
                () -> Files.exists(file)));
        release.countDown();

        retirer.get(30, TimeUnit.SECONDS);
        assertThat(waiter.get(30, TimeUnit.SECONDS)).as("the lock file exists while the waiter holds it").isTrue();
    }

    /**
     * Another process opened the file before it was retired and waits for its lock (as the kernel
     * shows in /proc/locks). Once it has the lock, it sees the retired mark and locks a new file
     * at the path: without the mark it would hold a lock on a deleted file, beside the next taker.
     */
    @Test
    void aProcessWaitingOnTheRetiredFileLocksItsSuccessor() throws Exception {
        Path file = dir.resolve("server-c.lock");
        Process other = HomeLock.with(file, () -> {
            Process child = start(file);
            awaitBlockedOnLock(child);
            HomeLock.retire(file);
            return child;
        });
        BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));

        List<String> rest = out.lines().toList();
        assertThat(other.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(rest).as("the other process's view while it held the lock").containsExactly("held, file exists: true");
    }

    private static Process start(Path file) {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockInAnotherJvm.class.getName(), file.toString());
        try {
            return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Waits for the child's first line, then for the kernel to list its blocked lock request. */
    private static void awaitBlockedOnLock(Process child) {
        try {
            assertThat(readLine(child)).isEqualTo("waiting");
            String blocked = " -> ";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (Files.readAllLines(Path.of("/proc/locks")).stream()
                    .noneMatch(line -> line.contains(blocked) && line.contains(" " + child.pid() + " "))) {
                assertThat(System.nanoTime()).as("the other process blocks on the lock").isLessThan(deadline);
                Thread.onSpinWait();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** One line of the child's output, read without buffering past it. */
    private static String readLine(Process child) throws java.io.IOException {
        StringBuilder line = new StringBuilder();
        for (int c = child.getInputStream().read(); c != -1 && c != '\n'; c = child.getInputStream().read()) {
            line.append((char) c);
        }
        return line.toString();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
