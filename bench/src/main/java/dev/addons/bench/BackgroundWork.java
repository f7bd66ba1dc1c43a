package dev.addons.bench;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The work a program of addons leaves running after it exits: the detached copiers making spares
 * of data templates and the detached {@code bin/addons warm} filling pools. A row waits for it
 * before timing its next program, which would otherwise share the cores with it. Stateless.
 */
final class BackgroundWork {
    private BackgroundWork() {
    }

    /**
     * Waits until no such process runs, on their exits (a copier is started by a filler before it
     * exits, so the search repeats until it finds none); fails after {@code limitSeconds}.
     */
    static void await(long limitSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(limitSeconds);
        while (true) {
            List<ProcessHandle> busy;
            try (var processes = ProcessHandle.allProcesses()) {
                busy = processes.filter(p -> p.info().commandLine()
                        .map(c -> c.contains("addons-spare-copier") || c.contains(" warm --quiet")).orElse(false))
                        .toList();
            }
            if (busy.isEmpty()) {
                return;
            }
            for (ProcessHandle process : busy) {
                try {
                    process.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    throw new IllegalStateException("background work (pid " + process.pid() + ") did not end within "
                            + limitSeconds + " s", e);
                }
            }
        }
    }
}
