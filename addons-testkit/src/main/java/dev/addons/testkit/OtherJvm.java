package dev.addons.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM running {@link HomeCommand} on an addons home with this JVM's class path: run to
 * its end, started to race this one, or killed with SIGKILL at a named crash point (the core's
 * {@code CrashPoints}: the JVM stops there and tells its standard output, and is killed at once,
 * with no shutdown hook and no {@code finally}). Its standard error goes to a file next to the
 * named after the home in the module's {@code target/other-jvm/}, shown when it fails. Stateless.
 */
public final class OtherJvm {
    /** The system property and marker of {@code dev.addons.core.internal.CrashPoints}. */
    private static final String CRASH_POINT = "addons.crashPoint";
    private static final String MARKER = "addons-crash-point ";

    private OtherJvm() {
    }

    /** Starts {@code HomeCommand home args...}. */
    public static Process start(Path home, String... args) throws IOException {
        return start(home, Map.of(), null, false, args);
    }

    /**
     * Starts one {@code HomeCommand home args...} per element of {@code commands} and lets them
     * begin their commands at once: each opens its {@code Addons}, says so and waits; once all
     * have, all are told to go. Their starts (JVM, class loading, reconcile) cannot keep the
     * commands from overlapping. {@link Together#outputs} waits for their ends.
     */
    public static Together together(Path home, List<List<String>> commands) throws Exception {
        return together(home, null, commands);
    }

    /** {@link #together(Path, List)} with {@code cache} as the JVMs' binary cache ({@code ADDONS_CACHE}); null: the default. */
    public static Together together(Path home, Path cache, List<List<String>> commands) throws Exception {
        List<Process> processes = new ArrayList<>();
        List<Lines> outputs = new ArrayList<>();
        for (List<String> args : commands) {
            Process process = start(home, cache == null ? Map.of() : Map.of("ADDONS_CACHE", cache.toString()), null,
                    true, args.toArray(String[]::new));
            processes.add(process);
            outputs.add(Lines.of(process));
        }
        for (int i = 0; i < processes.size(); i++) {
            assertThat(outputs.get(i).next(Duration.ofMinutes(2))).as("other JVM %d's first line; its stderr:\n%s",
                    i, stderr(home)).contains(HomeCommand.READY);
        }
        for (Process process : processes) {
            process.getOutputStream().write('\n');
            process.getOutputStream().flush();
        }
        return new Together(home, processes, outputs);
    }

    /** JVMs started by {@link #together}, told to go. */
    public record Together(Path home, List<Process> processes, List<Lines> lines) {
        /** Each JVM's standard output after the ready line, once all have exited with 0 (checked). */
        public List<List<String>> outputs() throws Exception {
            List<List<String>> all = new ArrayList<>();
            for (int i = 0; i < processes.size(); i++) {
                all.add(lines.get(i).untilExit(Duration.ofMinutes(5)));
                assertThat(processes.get(i).exitValue()).as("other JVM %d's exit code; its stderr:\n%s", i,
                        stderr(home)).isZero();
            }
            return all;
        }
    }

    /**
     * Runs {@code HomeCommand home args...} to its end with {@code environment} added to this JVM's
     * (e.g. {@code ADDONS_CACHE}, {@code JAVA_TOOL_OPTIONS}); returns its standard output's lines.
     */
    public static List<String> run(Path home, Map<String, String> environment, String... args) throws Exception {
        return outputOf(start(home, environment, null, false, args), home);
    }

    /** Runs {@code HomeCommand home args...} to its end; returns its standard output's lines. */
    public static List<String> run(Path home, String... args) throws Exception {
        return outputOf(start(home, args), home);
    }

    /** The standard output of a started JVM, once it has exited with 0 (checked). */
    public static List<String> outputOf(Process process, Path home) throws Exception {
        List<String> out = Lines.of(process).untilExit(Duration.ofMinutes(5));
        assertThat(process.exitValue()).as("other JVM's exit code; its stderr:\n" + stderr(home)).isZero();
        return out;
    }

    /**
     * A process's standard output, read line by line on a thread of its own, so that a reader
     * waits with a limit: a process that hangs fails the test (and is killed) instead of hanging it.
     */
    public static final class Lines {
        private static final String END = new String("end of output"); // compared by identity
        private final Process process;
        private final java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();

        private Lines(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // The process was killed: its output ends here.
                } finally {
                    lines.add(END);
                }
            }, "other-jvm-output");
            reader.setDaemon(true);
            reader.start();
        }

        /** Starts reading {@code process}'s standard output. */
        public static Lines of(Process process) {
            return new Lines(process);
        }

        /** The next line, or empty at the end of the output; fails, killing the process, after {@code limit}. */
        public java.util.Optional<String> next(Duration limit) throws InterruptedException {
            String line = lines.poll(limit.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                process.destroyForcibly();
                fail("the other process wrote no line within " + limit + ": killed");
            }
            if (line == END) {
                lines.add(END);
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(line);
        }

        /** The rest of the output once the process has ended, within {@code limit} (else it is killed and the test fails). */
        public List<String> untilExit(Duration limit) throws InterruptedException {
            long deadline = System.nanoTime() + limit.toNanos();
            List<String> rest = new ArrayList<>();
            for (java.util.Optional<String> line = next(limit); line.isPresent();
                    line = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                rest.add(line.get());
            }
            if (!process.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                process.destroyForcibly();
                fail("the other process did not end within " + limit + ": killed");
            }
            return rest;
        }
    }

    /**
     * Runs {@code HomeCommand home args...} until it reaches {@code crashPoint}, then kills it
     * with SIGKILL and waits for it to be gone. Fails when it ends without reaching the point.
     */
    public static void killAt(String crashPoint, Path home, String... args) throws Exception {
        Process process = start(home, Map.of(), crashPoint, false, args);
        List<String> seen = new ArrayList<>();
        Lines out = Lines.of(process);
        try {
            for (java.util.Optional<String> line = out.next(Duration.ofMinutes(5)); line.isPresent();
                    line = out.next(Duration.ofMinutes(5))) {
                if (line.get().equals(MARKER + crashPoint)) {
                    process.destroyForcibly(); // SIGKILL
                    assertThat(process.waitFor(1, TimeUnit.MINUTES)).as("the killed JVM is gone").isTrue();
                    return;
                }
                seen.add(line.get());
            }
        } finally {
            process.destroyForcibly();
        }
        process.waitFor(1, TimeUnit.MINUTES);
        fail("The other JVM ended without reaching crash point " + crashPoint + "; its output: " + seen
                + "\nits stderr:\n" + stderr(home));
    }

    private static Process start(Path home, Map<String, String> environment, String crashPoint, boolean onGo,
            String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path")));
        if (crashPoint != null) {
            command.add("-D" + CRASH_POINT + "=" + crashPoint);
            // A JVM that lives seconds and is killed: the quick compiler alone starts it sooner.
            command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        }
        if (onGo) {
            command.add("-D" + HomeCommand.ON_GO + "=true");
        }
        command.addAll(List.of(HomeCommand.class.getName(), home.toString()));
        command.addAll(List.of(args));
        Path stderr = Files.createDirectories(Path.of("target", "other-jvm")).resolve(home.getFileName() + ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
        builder.environment().putAll(environment);
        return builder.start();
    }

    /** What the JVMs started on {@code home} wrote to their standard error, in the module's {@code target/}. */
    public static List<String> stderrLines(Path home) throws IOException {
        return Files.readAllLines(stderrFile(home));
    }

    /** In the module's {@code target/}, which the secrets scan reads too. */
    private static Path stderrFile(Path home) {
        return Path.of("target", "other-jvm", home.getFileName() + ".err");
    }

    /** The last 40 lines {@link #stderrLines} would give, or why there are none: for failure messages. */
    public static String stderr(Path home) {
        try {
            List<String> lines = Files.readAllLines(stderrFile(home));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(none: " + e.getMessage() + ")";
        }
    }
}
