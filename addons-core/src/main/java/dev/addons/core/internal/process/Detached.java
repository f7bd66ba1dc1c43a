package dev.addons.core.internal.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starts a process that is not this JVM's child: a {@code sh} starts it in the background, prints
 * its pid and exits, so the process is re-parented to init (or the nearest subreaper) at once.
 *
 * <p>Why: for every child that still runs, the JDK keeps a thread waiting in {@code waitpid}, a
 * native call, and a JVM that exits while a thread is in native code waits for it, up to 300 ms
 * (HotSpot's {@code VM_Exit::wait_for_threads_in_native_to_block}). A command that started a
 * server, or left a copier or a pool filler running, took that much longer to exit than to do its
 * work. The price is the exit status, which only a parent learns: a process started here is known
 * by its pid, watched with {@link ProcessControl#isRunning} and {@link ProcessControl#awaitExit}
 * as servers started by another JVM always were. Stateless.
 */
final class Detached {
    /**
     * The launcher: {@code $1} is where the process's output goes, the rest its command. The
     * process's standard streams are its own (the file, {@code /dev/null}), so the pipe this
     * JVM reads the pid from closes when {@code sh} exits.
     */
    private static final String LAUNCHER = "out=$1; shift; \"$@\" </dev/null >>\"$out\" 2>&1 & echo $!";
    private static final long LAUNCHER_WAIT_SECONDS = 30;

    private Detached() {
    }

    /**
     * Starts {@code builder}'s command, in its directory and environment, with its standard input
     * empty and its output and errors appended to {@code output} ({@code /dev/null} to discard
     * them). Returns the process, or nothing when it ended before it could be looked at (it then
     * failed or did nothing lasting; its output says which). The command's first program must
     * {@code exec} what it runs (as {@code setsid}, {@code setpriv} and {@code nice} do) for the
     * pid to be that of the program in the end.
     *
     * @throws IOException when {@code sh} cannot be started or fails
     */
    static Optional<ProcessHandle> start(ProcessBuilder builder, Path output) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("sh", "-c", LAUNCHER, "addons-detach", output.toString()));
        command.addAll(builder.command());
        ProcessBuilder launching = new ProcessBuilder(command).directory(builder.directory())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.appendTo(output.toFile()));
        launching.environment().clear();
        launching.environment().putAll(builder.environment());
        Process launcher = launching.start();
        String printed;
        try (InputStream in = launcher.getInputStream()) {
            printed = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
        if (!launcher.waitFor(LAUNCHER_WAIT_SECONDS, TimeUnit.SECONDS)) {
            launcher.destroyForcibly();
            throw new IOException("sh did not start " + Path.of(builder.command().get(0)).getFileName() + " within "
                    + LAUNCHER_WAIT_SECONDS + " s");
        }
        long pid;
        try {
            pid = Long.parseLong(printed);
        } catch (NumberFormatException e) {
            throw new IOException("sh did not start " + Path.of(builder.command().get(0)).getFileName()
                    + " (exit status " + launcher.exitValue() + ")", e);
        }
        return ProcessHandle.of(pid);
    }
}
