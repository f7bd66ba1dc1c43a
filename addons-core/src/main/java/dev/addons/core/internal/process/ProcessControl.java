package dev.addons.core.internal.process;

import dev.addons.api.spi.ProcessRecipe.StopSignal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds, signals and ends server processes by pid, from any JVM. A pid is only trusted together
 * with the start time recorded for it, so a process that reused the pid is never touched.
 *
 * <p>A server is launched with {@code setsid}, so it leads a session of its own and every process
 * it starts stays in that session, also after its parent exited and it was re-parented to init
 * (an Erlang node's {@code epmd}, a child a crashing engine leaves behind). Ending a server
 * therefore ends its descendants, collected before it exits, and whatever else is left in its
 * session. Stateless.
 */
final class ProcessControl {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessControl.class);
    /** How long to wait for a process to go after SIGKILL, which it cannot ignore. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private ProcessControl() {
    }

    /** The process's start time in epoch milliseconds, or -1 when the system does not say. */
    static long startMillis(ProcessHandle process) {
        return process.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(-1L);
    }

    /** The live process {@code pid} if it is the one that started at {@code startMillis}. */
    static Optional<ProcessHandle> find(long pid, long startMillis) {
        return ProcessHandle.of(pid)
                .filter(ProcessControl::isRunning)
                .filter(process -> startMillis != -1 && startMillis(process) == startMillis);
    }

    /**
     * Whether the process still runs. Unlike {@link ProcessHandle#isAlive()}, an exited process
     * that is not reaped yet (a zombie) does not count: a server whose starting JVM is gone is
     * reaped by init, which may take its time (over a second on some machines).
     */
    static boolean isRunning(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            // The state follows the command name, which is in parentheses and may contain anything.
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            if (state == 'Z' || state == 'X') {
                // The first thread of a killed multi-threaded engine (Erlang's beam.smp) shows as a zombie
                // while its other threads still exit, and those hold its files (its listening sockets)
                // until the last has gone: it has not exited until its task list is the zombie alone.
                try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(process.pid()),
                        "task"))) {
                    return tasks.count() > 1;
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return process.isAlive();
        }
    }

    /**
     * Sends {@code signal}, waits up to {@code timeout} for the process to exit, then kills it
     * and every process it started. Returns whether it stopped on the signal alone, which
     * {@link StopSignal#KILL} (no grace: the process, its descendants and its session are killed
     * at once) always does.
     */
    static boolean stop(ProcessHandle process, StopSignal signal, Duration timeout)
            throws IOException, InterruptedException {
        return beginStop(process, signal).finish(timeout);
    }

    /**
     * Sends {@code signal} (with {@link StopSignal#KILL}, to the process's descendants too) and
     * returns at once: what is left of the stop, {@link Stopping#finish}, may run on another thread
     * while the caller does something else.
     */
    static Stopping beginStop(ProcessHandle process, StopSignal signal) throws IOException, InterruptedException {
        long started = startMillis(process);
        // Collected while the server runs: once it exits, its children are re-parented away from it.
        List<ProcessHandle> descendants = process.descendants().toList();
        if (signal == StopSignal.KILL) {
            process.destroyForcibly();
            descendants.forEach(ProcessHandle::destroyForcibly);
        } else {
            signal(process, signal);
        }
        return new Stopping(process, signal, started, descendants);
    }

    /** A process sent its stop signal by {@link #beginStop}, not yet waited for. */
    static final class Stopping {
        private final ProcessHandle process;
        private final StopSignal signal;
        private final long startMillis;
        private final List<ProcessHandle> descendants;

        private Stopping(ProcessHandle process, StopSignal signal, long startMillis, List<ProcessHandle> descendants) {
            this.process = process;
            this.signal = signal;
            this.startMillis = startMillis;
            this.descendants = descendants;
        }

        /**
         * Waits up to {@code timeout} for the process to exit on the signal, then kills it, the
         * descendants it had and what is left in its session. Returns whether it stopped on the
         * signal alone.
         */
        boolean finish(Duration timeout) throws InterruptedException {
            boolean clean = true;
            if (signal != StopSignal.KILL) {
                clean = awaitExit(process, timeout);
                if (!clean) {
                    LOG.warn("Process {} did not stop within {} of SIG{}; killing it", process.pid(), timeout, signal);
                }
            }
            killTree(process);
            // Children left behind by a parent that exited on the signal, e.g. PostgreSQL's backends.
            killAll(descendants);
            killSession(process.pid(), startMillis);
            return clean;
        }
    }

    /** Kills the process and all its descendants with SIGKILL and waits for it to go. */
    static void killTree(ProcessHandle process) throws InterruptedException {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        awaitExit(process, KILL_WAIT);
    }

    /**
     * Kills what is left in the session led by the server {@code sessionId} that started at
     * {@code leaderStartMillis}: processes that outlived it, re-parented. Nothing is touched when
     * that start time is unknown, or when another process now leads the session (the pid was
     * reused). Returns how many processes it killed.
     */
    static int killSession(long sessionId, long leaderStartMillis) throws InterruptedException {
        List<ProcessHandle> left = sessionMembers(sessionId, leaderStartMillis);
        if (!left.isEmpty()) {
            LOG.debug("Killing {} process(es) left in the session of {}", left.size(), sessionId);
        }
        killAll(left);
        return left.size();
    }

    /** The running processes of session {@code sessionId}, if its leader is ours, see {@link #killSession}. */
    static List<ProcessHandle> sessionMembers(long sessionId, long leaderStartMillis) {
        if (leaderStartMillis == -1) {
            return List.of();
        }
        Optional<ProcessHandle> leader = ProcessHandle.of(sessionId).filter(ProcessControl::isRunning);
        if (leader.isPresent() && startMillis(leader.get()) != leaderStartMillis) {
            return List.of();
        }
        try (var processes = ProcessHandle.allProcesses()) {
            return processes
                    .filter(p -> sessionOf(p.pid()) == sessionId)
                    .filter(p -> startMillis(p) >= leaderStartMillis)
                    .filter(ProcessControl::isRunning)
                    .toList();
        }
    }

    /** The session id, field 6 of {@code /proc/<pid>/stat}, or -1 when the process is gone. */
    static long sessionOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The fields after the command name, which is in parentheses and may contain anything.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[3]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static void killAll(List<ProcessHandle> processes) throws InterruptedException {
        processes.forEach(ProcessHandle::destroyForcibly); // checks each one's start time itself
        for (ProcessHandle process : processes) {
            awaitExit(process, KILL_WAIT);
        }
    }

    private static void signal(ProcessHandle process, StopSignal signal) throws IOException, InterruptedException {
        if (signal == StopSignal.TERM) {
            process.destroy(); // checks the start time itself
            return;
        }
        Process kill = new ProcessBuilder("kill", "-s", signal.name(), Long.toString(process.pid()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        // Non-zero when the process is gone already: awaitExit tells.
        kill.waitFor();
    }

    /**
     * Waits up to {@code timeout} for the process to exit. Polls, as {@link ProcessHandle#onExit()}
     * on a process that is not our child polls only every 300 ms, each time after a tenth of the
     * time waited so far (1 to 50 ms): an exit is seen at most a tenth late.
     */
    static boolean awaitExit(ProcessHandle process, Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (isRunning(process)) {
            long now = System.nanoTime();
            if (now >= deadline) {
                return false;
            }
            long delayMillis = Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(now - start) / 10, 50));
            try {
                process.onExit().get(Math.min(delayMillis, TimeUnit.NANOSECONDS.toMillis(deadline - now) + 1),
                        TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // Still running: look again.
            } catch (ExecutionException e) {
                throw new IllegalStateException("waiting for process " + process.pid(), e);
            }
        }
        return true;
    }
}
