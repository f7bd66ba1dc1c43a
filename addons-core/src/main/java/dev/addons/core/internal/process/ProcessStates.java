package dev.addons.core.internal.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** A process's scheduling state as Linux reports it, and a stopped process resumed. Stateless. */
final class ProcessStates {
    private ProcessStates() {
    }

    /** Whether the process is stopped (by SIGSTOP, SIGTSTP or a debugger); false when unknown or gone. */
    static boolean isStopped(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The state follows the command name, which is in parentheses and may contain anything.
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state == 'T' || state == 't';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Sends SIGCONT to the process and its descendants that are stopped, so that they act on the
     * signals that follow (a SIGTERM). Does nothing when none is stopped.
     */
    static void resumeStopped(ProcessHandle process) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("kill", "-CONT"));
        Stream.concat(Stream.of(process), process.descendants()).filter(p -> isStopped(p.pid()))
                .forEach(p -> command.add(Long.toString(p.pid())));
        if (command.size() == 2) {
            return;
        }
        Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
        kill.getInputStream().readAllBytes();
        kill.waitFor();
    }
}
