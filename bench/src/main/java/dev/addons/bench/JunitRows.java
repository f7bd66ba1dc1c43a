package dev.addons.bench;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.core.Addons;
import dev.addons.core.App;
import dev.addons.core.FinalBackup;
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
 * class without addons ({@code dev.addons.bench.junit.BaselineCase}, which only loads the clients);
 * the second baseline, {@code ConnectedCase}, the same two tests without the extension against a
 * PostgreSQL tenant and a Valkey the row made before, their variables in the JVM's environment
 * (the tests' own work: their connections and queries); the class with a template copy on a
 * shared PostgreSQL 15 and a Valkey 7 ({@code AddonsCase}) twice in a row, each JVM with the
 * extension's default home, a new directory under {@code java.io.tmpdir} deleted when its run
 * ends, and the machine's shared binary cache, where the data templates live; then the same class
 * twice with {@code addons.junit.reuse=true} on a home of the row's own (a new directory under
 * {@code java.io.tmpdir}), whose kept template and shared server a JVM run before the first
 * repetition made. Each JVM starts once the background work the one before left is done (the
 * spare copy a test run leaves to a detached copier; see {@link BackgroundWork}), as in the CLI
 * rows. After each JVM the row checks that no home of the extension and no process
 * naming one is left; at the end, it destroys what the reusing JVMs kept and the connected
 * baseline's servers, and checks that no process names their homes.
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
        List<Double> reused = new ArrayList<>();
        List<Double> reusedOver = new ArrayList<>();
        List<Double> connected = new ArrayList<>();
        List<Double> firstOverConnected = new ArrayList<>();
        List<Double> reusedOverConnected = new ArrayList<>();
        Path keeping = null;
        Path servers = null;
        try {
            // Directories of their own, which the engines' user may pass through when the harness is root.
            keeping = Files.createTempDirectory("addons-reuse-bench-");
            servers = Files.createTempDirectory("addons-connected-bench-");
            Map<String, String> variables = startServers(servers);
            run("AddonsCase", keeping, Map.of());
            for (int i = 0; i < warmups + reps; i++) {
                double base = run("BaselineCase", null, Map.of());
                double on = run("ConnectedCase", null, variables);
                double one = run("AddonsCase", null, Map.of());
                double two = run("AddonsCase", null, Map.of());
                double three = run("AddonsCase", keeping, Map.of());
                double four = run("AddonsCase", keeping, Map.of());
                if (i >= warmups) {
                    baseline.add(base);
                    first.add(one);
                    second.add(two);
                    firstOver.add(one - base);
                    secondOver.add(two - base);
                    reused.addAll(List.of(three, four));
                    reusedOver.addAll(List.of(three - base, four - base));
                    connected.add(on);
                    firstOverConnected.add(one - on);
                    reusedOverConnected.addAll(List.of(three - on, four - on));
                }
            }
            removeHome(keeping);
            removeHome(servers);
            row.put("baselineMs", Stats.of(baseline));
            row.put("addonsFirstMs", Stats.of(first));
            row.put("addonsSecondMs", Stats.of(second));
            row.put("firstOverBaselineMs", Stats.of(firstOver));
            row.put("secondOverBaselineMs", Stats.of(secondOver));
            row.put("reusedMs", Stats.of(reused));
            row.put("reusedOverBaselineMs", Stats.of(reusedOver));
            row.put("connectedBaselineMs", Stats.of(connected));
            row.put("firstOverConnectedMs", Stats.of(firstOverConnected));
            row.put("reusedOverConnectedMs", Stats.of(reusedOverConnected));
            row.put("leftBehind", "nothing");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            row.put("note", "interrupted");
        } catch (Exception e) {
            row.put("note", "failed: " + Bench.oneLine(e));
        } finally {
            for (Path left : java.util.Arrays.asList(keeping, servers)) {
                if (left != null && Files.exists(left)) {
                    try {
                        removeHome(left);
                    } catch (IOException | RuntimeException | InterruptedException e) {
                        row.put("note", row.get("note") + "; removing the servers of " + left + " failed: "
                                + Bench.oneLine(e));
                    }
                }
            }
        }
        out.println(Report.scale(row));
        return row;
    }

    /**
     * The servers {@code ConnectedCase} works on, made in {@code servers}: a shared PostgreSQL 15
     * tenant holding the template's table and row, and a Valkey 7; their variables.
     */
    private static Map<String, String> startServers(Path servers) throws Exception {
        try (Addons addons = Addons.builder().home(servers).runtime("process").automaticBackups(false)
                .throwawayServers(true).build()) {
            App app = addons.app("connected", "test");
            app.create(new AddonSpec("postgresql", "shared", "15"));
            app.create(new AddonSpec("valkey", null, "7"));
            Map<String, String> variables = app.env().toMap();
            new dev.addons.bench.junit.Schema().prepare(dev.addons.core.Environment.of("test", variables));
            return variables;
        }
    }

    /**
     * Runs the case in a new JVM on this harness's class path, with {@code addons.junit.reuse=true}
     * on {@code keeping} when it is not {@code null} and {@code variables} added to its environment;
     * fails naming the case and its error output when the JVM exits with non-zero or leaves a home
     * of the extension or a server in one behind.
     */
    private double run(String name, Path keeping, Map<String, String> variables)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
        if (keeping != null) {
            command.addAll(List.of("-Daddons.junit.reuse=true", "-Daddons.junit.home=" + keeping));
        }
        command.addAll(List.of("dev.addons.bench.junit.JunitMain", "dev.addons.bench.junit." + name));
        // The spare copy the JVM before left to a detached copier, which would share the cores with this one.
        BackgroundWork.await(LIMIT_SECONDS);
        Set<String> homesBefore = homes();
        Path errors = Files.createTempFile(home, "junit-", ".err");
        long started = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(errors.toFile());
        builder.environment().putAll(variables);
        Process process = builder.start();
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
        List<String> servers = processesNaming(tmp.resolve(HOME_PREFIX).toString());
        if (!left.isEmpty() || !servers.isEmpty()) {
            throw new IllegalStateException(name + " left behind homes " + left + " and processes " + servers);
        }
        return (exited - started) / 1e6;
    }

    /** Destroys every addon of the home {@code directory}, checks no server of it is left, deletes it. */
    private static void removeHome(Path directory) throws IOException, InterruptedException {
        try (Addons addons = Addons.builder().home(directory).runtime("process").automaticBackups(false).build()) {
            for (AddonRecord r : addons.listAll()) {
                addons.app(r.app(), r.environment()).destroy(r.addon(), FinalBackup.SKIP);
            }
        }
        // A destroy waits for its server to stop; what still names the home gets 10 s to exit.
        for (ProcessHandle process : processes(directory.toString())) {
            try {
                process.onExit().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                break; // reported below
            }
        }
        List<String> servers = processesNaming(directory.toString());
        if (!servers.isEmpty()) {
            throw new IllegalStateException("the servers of " + directory + " are still running: " + servers);
        }
        try (Stream<Path> all = Files.walk(directory)) {
            for (Path path : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** The processes whose arguments contain {@code text}, as pid and command. */
    private static List<String> processesNaming(String text) {
        return processes(text).stream().map(p -> p.pid() + " " + p.info().command().orElse("?")).toList();
    }

    /** The processes whose arguments contain {@code text}. */
    private static List<ProcessHandle> processes(String text) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(text)).orElse(false))
                .toList();
    }

    /** The extension's default homes now in {@code java.io.tmpdir}. */
    private Set<String> homes() throws IOException {
        try (Stream<Path> paths = Files.list(tmp)) {
            return paths.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(HOME_PREFIX))
                    .collect(TreeSet::new, Set::add, Set::addAll);
        }
    }
}
