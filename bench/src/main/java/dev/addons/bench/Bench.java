package dev.addons.bench;

import dev.addons.api.AddonRecord;
import dev.addons.core.Addons;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The benchmark harness: per engine, variant and runtime, the time from
 * {@link dev.addons.core.App#create} to the first query made with the variables only, the time of
 * {@link dev.addons.core.App#destroy}, and the memory of an idle server, next to peers measured
 * the same way in the same run. Prints a table and writes the run as JSON. A benchmark, not a test: nothing here asserts a time.
 *
 * <p>Run by {@code bench/run.sh}; see {@link Options#USAGE}.
 */
public final class Bench {
    private final Options options;
    private final Path home;
    private final PrintStream out;
    private final Map<String, Addons> addons = new LinkedHashMap<>();
    private final Map<String, String> unavailable = new LinkedHashMap<>();

    private Bench(Options options, Path home, PrintStream out) {
        this.options = options;
        this.home = home;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.print(Options.USAGE);
            System.exit(2);
            return;
        }
        boolean temporary = options.home() == null;
        Path home = temporary ? Files.createTempDirectory("addons-bench-") : options.home();
        try {
            new Bench(options, home, System.out).run();
        } finally {
            if (temporary) {
                deleteTree(home);
            }
        }
    }

    private void run() throws IOException {
        String started = Instant.now().toString();
        out.println("bench: home " + home + ", " + options.warmups() + " untimed and " + options.reps()
                + " timed repetition(s) per row and subject, "
                + Runtime.getRuntime().availableProcessors() + " cores, "
                + (options.throwaway() ? "throwaway" : "durable") + " dedicated servers");
        List<Result> results = new ArrayList<>();
        List<Map<String, Object>> scale = new ArrayList<>();
        try {
            for (Row row : options.selectedRows()) {
                results.addAll(row(row));
            }
            Addons process = addons("process");
            if (process != null) {
                ScaleRows rows = new ScaleRows(process, options.versions().get("postgresql"), out);
                if (options.scaleShared() > 0) {
                    scale.add(rows.sharedConcurrently(options.scaleShared()));
                }
                if (options.scaleDedicated() > 0) {
                    scale.add(rows.dedicatedAlive(options.scaleDedicated()));
                }
                if (options.cycles() > 0) {
                    scale.add(rows.cycles(options.cycles()));
                }
                if (options.cli() > 0) {
                    scale.add(new CliRows(home, options.versions().get("postgresql"), out)
                            .commands(options.warmups(), options.cli()));
                }
                if (options.junit() > 0) {
                    scale.add(new JunitRows(home, out).testClass(options.warmups(), options.junit()));
                }
                if (options.wakes() > 0) {
                    WakeRows wakes = new WakeRows(home, options.versions(), out);
                    for (String engine : List.of("valkey", "memcached", "postgresql", "mysql", "rabbitmq")) {
                        scale.add(wakes.wake(engine, options.wakes()));
                    }
                }
            }
        } finally {
            cleanUp();
        }
        out.println();
        Report.table(results, out);
        if (!scale.isEmpty()) {
            out.println();
            scale.forEach(s -> out.println(Report.scale(s)));
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("started", started);
        json.put("host", host());
        json.put("warmups", options.warmups());
        json.put("reps", options.reps());
        json.put("throwaway", options.throwaway());
        json.put("warm", options.warm());
        json.put("versions", options.versions());
        json.put("images", options.images());
        json.put("results", results);
        json.put("scale", scale);
        Path file = Report.write(options.out(), json);
        out.println();
        out.println("bench: wrote " + file);
        if (options.compare() != null) {
            Report.compare(options.compare(), results, out);
        }
    }

    /** addons on the row, then its peer, if any. */
    private List<Result> row(Row row) {
        List<Result> results = new ArrayList<>();
        String version = options.versionFor(row);
        boolean memory = row.runtime().equals("process") && row.variant().equals("small");
        Runner runner = new Runner(options.warmups(), options.reps(), options.idleMillis(), out);
        Addons instance = addons(row.runtime());
        if (instance == null) {
            results.add(Result.unavailable(row, "addons", version, unavailable.get(row.runtime())));
        } else {
            try (AddonsTarget target = new AddonsTarget(instance, row.engine(), row.variant(), version)) {
                results.add(runner.measure(row, target, version, memory));
            } catch (RuntimeException e) {
                results.add(Result.unavailable(row, "addons", version, "failed: " + oneLine(e)));
            }
        }
        if (options.warm() && memory) {
            results.add(warm(row, version, runner));
        }
        if (options.peers() && row.variant().equals("small")) {
            Peers.of(row, options, home).ifPresent(peer -> results.add(peer.measure(runner, memory)));
        }
        return results;
    }

    /**
     * addons with a warm pool of 1 for the row's engine and version, in a home of its own under the
     * run's (another instance's reconcile would remove warm servers its settings do not name),
     * which it removes at the end.
     */
    private Result warm(Row row, String version, Runner runner) {
        String name = "addons, warm pool of 1";
        try (Addons instance = Addons.builder().home(home.resolve("warm")).runtime("process").automaticBackups(false)
                .throwawayServers(options.throwaway())
                .runtimeSetting("process.warm." + row.engine() + "." + version, "1").build()) {
            try (AddonsTarget target = new AddonsTarget(instance, row.engine(), row.variant(), version, name)) {
                return runner.measure(row, target, version, true);
            } finally {
                instance.removeWarmServers();
            }
        } catch (RuntimeException e) {
            return Result.unavailable(row, name, version, "failed: " + oneLine(e));
        }
    }

    /** The instance of a runtime, built once; {@code null} (with the reason kept) when it cannot be had. */
    private Addons addons(String runtime) {
        if (unavailable.containsKey(runtime)) {
            return null;
        }
        return addons.computeIfAbsent(runtime, r -> {
            try {
                return Addons.builder().home(home).runtime(r).automaticBackups(false)
                        .throwawayServers(options.throwaway()).build();
            } catch (RuntimeException e) {
                unavailable.put(r, "runtime " + r + " unavailable: " + oneLine(e));
                out.println("bench: " + unavailable.get(r));
                return null;
            }
        });
    }

    /** Destroys every addon still recorded in the home (left by a failure), then closes the instances. */
    private void cleanUp() {
        for (Addons instance : addons.values()) {
            if (instance == null) {
                continue;
            }
            for (AddonRecord record : instance.listAll()) {
                try {
                    instance.app(record.app(), record.environment()).destroy(record.addon(),
                            dev.addons.core.FinalBackup.SKIP);
                    out.println("bench: cleaned up " + record.addon() + " of " + record.app());
                } catch (RuntimeException e) {
                    out.println("bench: could not destroy " + record.addon() + " of " + record.app() + ": "
                            + oneLine(e));
                }
            }
            instance.close();
        }
    }

    private static Map<String, Object> host() {
        Map<String, Object> host = new LinkedHashMap<>();
        host.put("cores", Runtime.getRuntime().availableProcessors());
        host.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        host.put("java", System.getProperty("java.version"));
        return host;
    }

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.substring(4).trim().split("\\s+")[1].equals("0");
                }
            }
        } catch (IOException e) {
            // judged by name below
        }
        return "root".equals(System.getProperty("user.name"));
    }

    static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        if (root != e && root.getMessage() != null && !message.contains(root.getMessage())) {
            message += " (" + root.getMessage() + ")";
        }
        return message.replaceAll("\\s+", " ");
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
