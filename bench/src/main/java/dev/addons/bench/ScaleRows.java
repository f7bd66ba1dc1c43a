package dev.addons.bench;

import dev.addons.api.AddonSpec;
import dev.addons.core.Addons;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The optional scale rows, all PostgreSQL on the process runtime: shared databases provisioned
 * concurrently (and destroyed so), dedicated servers alive at once (and destroyed so), and
 * create/destroy cycles that check nothing is left behind. Each returns a map for the JSON and prints a line.
 */
final class ScaleRows {
    private final Addons addons;
    private final String version;
    private final PrintStream out;

    ScaleRows(Addons addons, String version, PrintStream out) {
        this.addons = addons;
        this.version = version;
        this.out = out;
    }

    /** {@code n} shared databases created at once: the wall time until all answered a query, and each one's time. */
    Map<String, Object> sharedConcurrently(int n) {
        return concurrently("shared", n, "scale-s");
    }

    /** {@code m} dedicated servers created at once and alive together: times, and their memory summed. */
    Map<String, Object> dedicatedAlive(int m) {
        return concurrently("small", m, "scale-d");
    }

    private Map<String, Object> concurrently(String variant, int n, String prefix) {
        AddonSpec spec = AddonSpec.of("postgresql").withVariant(variant).withVersion(version);
        List<String> apps = new ArrayList<>();
        List<CompletableFuture<Double>> futures = new ArrayList<>();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("row", "scale: " + n + " postgresql/" + variant + " at once");
        long started = System.nanoTime();
        try {
            for (int i = 1; i <= n; i++) {
                String app = prefix + i;
                apps.add(app);
                futures.add(addons.app(app, AddonsTarget.ENVIRONMENT).createAsync(spec).thenApply(r -> {
                    try {
                        FirstQuery.await("postgresql", addons.app(app, AddonsTarget.ENVIRONMENT).credentials(
                                "postgresql").toMap());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return Runner.millisSince(started);
                }));
            }
            List<Double> each = new ArrayList<>();
            for (CompletableFuture<Double> f : futures) {
                each.add(f.join());
            }
            row.put("allReadyMs", Runner.millisSince(started));
            row.put("eachReadyMs", Stats.of(each));
            if (variant.equals("small")) {
                long rss = 0;
                long pss = 0;
                for (String app : apps) {
                    int port = Integer.parseInt(addons.app(app, AddonsTarget.ENVIRONMENT).credentials("postgresql")
                            .get("PGPORT").orElseThrow());
                    ProcessMemory.Usage usage = ProcessMemory.ofPort(port).orElse(null);
                    rss += usage == null ? 0 : usage.rssKib();
                    pss += usage == null ? 0 : usage.pssKib();
                }
                row.put("totalRssKib", rss);
                row.put("totalPssKib", pss);
            }
        } catch (Exception e) {
            row.put("note", "failed: " + Bench.oneLine(e));
        } finally {
            for (CompletableFuture<Double> f : futures) {
                f.handle((v, e) -> null).join();
            }
            // Destroyed at once, as they were made: each destroy on a thread of its own.
            long destroying = System.nanoTime();
            List<CompletableFuture<Double>> destroys = new ArrayList<>();
            for (String app : apps) {
                destroys.add(CompletableFuture.supplyAsync(() -> {
                    destroyQuietly(app, row);
                    return Runner.millisSince(destroying);
                }, runnable -> new Thread(runnable, "bench-destroy-" + app).start()));
            }
            List<Double> eachDestroyed = destroys.stream().map(CompletableFuture::join).toList();
            row.put("allDestroyedMs", Runner.millisSince(destroying));
            row.put("eachDestroyedMs", Stats.of(eachDestroyed));
        }
        out.println("bench: " + Report.scale(row));
        return row;
    }

    /** {@code k} create, query, destroy cycles of a dedicated server; after each, nothing of it may remain. */
    Map<String, Object> cycles(int k) {
        AddonSpec spec = AddonSpec.of("postgresql").withVersion(version);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("row", "scale: " + k + " create/destroy cycles of postgresql/small");
        List<Double> each = new ArrayList<>();
        List<String> leftovers = new ArrayList<>();
        long children = ProcessHandle.current().descendants().count();
        for (int i = 1; i <= k; i++) {
            String app = "cycle" + i;
            long started = System.nanoTime();
            int port = -1;
            try {
                addons.app(app, AddonsTarget.ENVIRONMENT).create(spec);
                Map<String, String> vars = addons.app(app, AddonsTarget.ENVIRONMENT).credentials("postgresql").toMap();
                port = Integer.parseInt(vars.get("PGPORT"));
                FirstQuery.await("postgresql", vars);
            } catch (Exception e) {
                row.put("note", "cycle " + i + " failed: " + Bench.oneLine(e));
            } finally {
                destroyQuietly(app, row);
            }
            each.add(Runner.millisSince(started));
            leftovers.addAll(leftovers(i, port, children));
            if (row.containsKey("note")) {
                break;
            }
        }
        row.put("cycleMs", Stats.of(each));
        row.put("leftovers", leftovers);
        out.println("bench: " + Report.scale(row));
        return row;
    }

    private List<String> leftovers(int cycle, int port, long children) {
        List<String> found = new ArrayList<>();
        try {
            if (port > 0 && ProcessMemory.ofPort(port).isPresent()) {
                found.add("cycle " + cycle + ": a process still listens on " + port);
            }
            long now = ProcessHandle.current().descendants().count();
            if (now > children) {
                found.add("cycle " + cycle + ": " + (now - children) + " child process(es) more than before");
            }
            Path servers = addons.home().resolve("servers");
            if (Files.isDirectory(servers)) {
                try (Stream<Path> left = Files.list(servers)) {
                    left.forEach(p -> found.add("cycle " + cycle + ": " + p + " remains"));
                }
            }
            if (!addons.listAll().isEmpty()) {
                found.add("cycle " + cycle + ": records remain: " + addons.listAll());
            }
        } catch (IOException e) {
            found.add("cycle " + cycle + ": cannot check: " + e);
        }
        return found;
    }

    private void destroyQuietly(String app, Map<String, Object> row) {
        try {
            if (!addons.app(app, AddonsTarget.ENVIRONMENT).list().isEmpty()) {
                addons.app(app, AddonsTarget.ENVIRONMENT).destroy("postgresql", dev.addons.core.FinalBackup.SKIP);
            }
        } catch (RuntimeException e) {
            synchronized (row) {
                row.merge("note", "destroy of " + app + " failed: " + Bench.oneLine(e), (a, b) -> a + "; " + b);
            }
        }
    }
}
