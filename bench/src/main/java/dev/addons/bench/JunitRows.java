package dev.addons.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The JUnit row: a test class run in a new JVM with the JUnit Platform, as a build tool's test JVM
 * runs it, wall time from the JVM's start to its exit. Per repetition, in this order: the baseline
 * class without addons ({@code dev.addons.bench.junit.BaselineCase}), then the class with a
 * template copy on a shared PostgreSQL 15 and a Valkey 7 ({@code AddonsCase}) twice in a row. Each
 * JVM uses the extension's default home, a new directory under {@code java.io.tmpdir} deleted when
 * its run ends, and the machine's shared binary cache, where the data templates live. After each
 * JVM the row checks that no home of the extension and no process naming one is left.
 */
final class JunitRows {
    private static final long LIMIT_SECONDS = 300;
    private static final String HOME_PREFIX = "addons-junit-";

    private final Path home;
    private final PrintStream out;
    private final Path tmp = Path.of(System.getProperty("java.io.tmpdir"));

    JunitRows(Path home, PrintStream out) {
        this.home = home;
        this.out = out;
    }

    /** {@code warmups} untimed and {@code reps} timed repetitions. */
    Map<String, Object> testClass(int warmups, int reps) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("row", "junit: a test class in a new JVM, template copy on shared postgresql 15 + valkey 7, "
                + "process runtime, wall ms");
        List<Double> baseline = new ArrayList<>();
        List<Double> first = new ArrayList<>();
        List<Double> second = new ArrayList<>();
        List<Double> firstOver = new ArrayList<>();
        List<Double> secondOver = new ArrayList<>();
        try {
            for (int i = 0; i < warmups + reps; i++) {
                double base = run("BaselineCase");
                double one = run("AddonsCase");
                double two = run("AddonsCase");
                if (i >= warmups) {
                    baseline.add(base);
                    first.add(one);
                    second.add(two);
                    firstOver.add(one - base);
                    secondOver.add(two - base);
                }
            }
            row.put("baselineMs", Stats.of(baseline));
            row.put("addonsFirstMs", Stats.of(first));
            row.put("addonsSecondMs", Stats.of(second));
            row.put("firstOverBaselineMs", Stats.of(firstOver));
            row.put("secondOverBaselineMs", Stats.of(secondOver));
            row.put("leftBehind", "nothing");
        } catch (IOException | RuntimeException e) {
            row.put("note", "failed: " + Bench.oneLine(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            row.put("note", "interrupted");
        }
        out.println(Report.scale(row));
        return row;
    }

    /**
     * Runs the case in a new JVM on this harness's class path; fails naming the case and its error
     * output when the JVM exits with non-zero or leaves a home or a server behind.
     */
    private double run(String name) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.addons.bench.junit.JunitMain", "dev.addons.bench.junit." + name);
        Set<String> homesBefore = homes();
        Path errors = Files.createTempFile(home, "junit-", ".err");
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(errors.toFile()).start();
        if (!process.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " did not end within " + LIMIT_SECONDS + " s");
        }
        long exited = System.nanoTime();
        String stderr = Files.readString(errors, StandardCharsets.UTF_8);
        Files.delete(errors);
        if (process.exitValue() != 0) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + ": " + stderr.strip());
        }
        Set<String> left = homes();
        left.removeAll(homesBefore);
        List<String> servers = ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(HOME_PREFIX))
                        .orElse(false))
                .map(p -> p.pid() + " " + p.info().command().orElse("?"))
                .toList();
        if (!left.isEmpty() || !servers.isEmpty()) {
            throw new IllegalStateException(name + " left behind homes " + left + " and processes " + servers);
        }
        return (exited - started) / 1e6;
    }

    /** The extension's default homes now in {@code java.io.tmpdir}. */
    private Set<String> homes() throws IOException {
        try (Stream<Path> paths = Files.list(tmp)) {
            return paths.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(HOME_PREFIX))
                    .collect(TreeSet::new, Set::add, Set::addAll);
        }
    }
}
