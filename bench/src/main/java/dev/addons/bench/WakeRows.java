package dev.addons.bench;

import dev.addons.api.AddonSpec;
import dev.addons.api.Status;
import dev.addons.core.Addons;
import dev.addons.core.App;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.Jedis;

/**
 * The wake rows, on the process runtime: an addon with {@code sleep_after = "1s"} under a
 * supervisor is left idle until it sleeps, then its ordinary client makes one query with the
 * variables only (no retry): the time of that query is the wake-to-first-query time. Once that
 * client's connection is taken, a prober connects to the port every millisecond and counts the
 * refusals: the window between the supervisor letting go of the port and the engine binding it,
 * in which a second new client would be refused. For Valkey, also the
 * cost of the splice: a PING on the connection that woke it (spliced through the supervisor)
 * against a PING on a connection made afterwards (straight to the engine).
 */
final class WakeRows {
    private static final Duration ASLEEP_WITHIN = Duration.ofSeconds(60);

    private final Path home;
    private final Map<String, String> versions;
    private final PrintStream out;

    WakeRows(Path home, Map<String, String> versions, PrintStream out) {
        this.home = home;
        this.versions = versions;
        this.out = out;
    }

    /** {@code reps} sleeps and wakes of one {@code engine} addon. */
    Map<String, Object> wake(String engine, int reps) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("row", "wake: " + engine + "/small/process, sleep_after 1s, first query of its client");
        String app = "wake-" + engine;
        try (Addons addons = Addons.builder().home(home).runtime("process").automaticBackups(false)
                .supervise(true).build()) {
            try {
                addons.app(app, AddonsTarget.ENVIRONMENT).create(AddonSpec.of(engine).withVersion(versions.get(engine))
                        .withSleepAfter(Duration.ofSeconds(1)));
                Map<String, String> vars = addons.app(app, AddonsTarget.ENVIRONMENT).credentials(engine).toMap();
                int port = port(engine, vars);
                List<Double> firstQuery = new ArrayList<>();
                List<Double> refusedWindow = new ArrayList<>();
                long refusals = 0;
                for (int i = 0; i < reps; i++) {
                    awaitAsleep(addons, app, engine, port);
                    Prober prober = Prober.start(port);
                    long started = System.nanoTime();
                    FirstQuery.once(engine, vars);
                    firstQuery.add(Runner.millisSince(started));
                    prober.stop();
                    refusedWindow.add(prober.windowMillis());
                    refusals += prober.refusals.get();
                }
                row.put("wakeToFirstQueryMs", Stats.of(firstQuery));
                row.put("refusedWindowMs", Stats.of(refusedWindow));
                row.put("refusedProbes", refusals);
                if (engine.equals("valkey")) {
                    awaitAsleep(addons, app, engine, port);
                    spliceCost(vars.get("VALKEY_URL"), row);
                }
            } finally {
                if (!addons.app(app, AddonsTarget.ENVIRONMENT).list().isEmpty()) {
                    addons.app(app, AddonsTarget.ENVIRONMENT).destroy(engine);
                }
            }
        } catch (Exception e) {
            row.put("note", "failed: " + Bench.oneLine(e));
        }
        out.println("bench: " + Report.scale(row));
        return row;
    }

    /** Microseconds per PING on the connection that woke the server (spliced) and on a direct one. */
    private static void spliceCost(String url, Map<String, Object> row) {
        int pings = 5000;
        try (Jedis spliced = new Jedis(java.net.URI.create(url))) {
            spliced.ping();
            try (Jedis direct = new Jedis(java.net.URI.create(url))) {
                direct.ping();
                for (int round = 0; round < 2; round++) {
                    // The first round warms both up; the second is kept.
                    row.put("pingSplicedUs", perPing(spliced, pings));
                    row.put("pingDirectUs", perPing(direct, pings));
                }
            }
        }
    }

    private static double perPing(Jedis jedis, int pings) {
        long started = System.nanoTime();
        for (int i = 0; i < pings; i++) {
            jedis.ping();
        }
        return (System.nanoTime() - started) / 1000.0 / pings;
    }

    private static int port(String engine, Map<String, String> vars) {
        String key = switch (engine) {
            case "postgresql" -> "PGPORT";
            case "mysql" -> "MYSQL_PORT";
            case "memcached" -> "MEMCACHE_PORT";
            default -> null;
        };
        if (key != null) {
            return Integer.parseInt(vars.get(key));
        }
        String url = vars.get(engine.equals("valkey") ? "VALKEY_URL" : "RABBITMQ_URL");
        return java.net.URI.create(url).getPort();
    }

    /** Until the addon is SLEEPING and something (the supervisor) listens on its port; probes nothing. */
    private static void awaitAsleep(Addons addons, String app, String engine, int port) throws Exception {
        long deadline = System.nanoTime() + ASLEEP_WITHIN.toNanos();
        App handle = addons.app(app, AddonsTarget.ENVIRONMENT);
        while (!(handle.list().get(0).status() == Status.SLEEPING && listening(port))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(engine + " did not fall asleep within " + ASLEEP_WITHIN);
            }
            Thread.sleep(20);
        }
    }

    /** Whether a socket listens on {@code port}, read from the kernel's tables (connecting would wake it). */
    private static boolean listening(int port) throws IOException {
        String hex = String.format(":%04X ", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 3 && (fields[1] + " ").endsWith(hex) && fields[3].equals("0A")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether a connection to {@code port} is established, from the kernel's tables. */
    private static boolean established(int port) throws IOException {
        String hex = String.format(":%04X ", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 3 && (fields[1] + " ").endsWith(hex) && fields[3].equals("01")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Connects to the port every millisecond, noting when connections were refused. */
    private static final class Prober {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong refusals = new AtomicLong();
        private final AtomicLong firstRefused = new AtomicLong();
        private final AtomicLong lastRefused = new AtomicLong();
        private final Thread thread;

        private Prober(int port) {
            thread = new Thread(() -> {
                // Only once the client's connection is taken (established on the port): a probe that
                // came first would be the one to wake the server, and the client could be refused.
                try {
                    while (running.get() && !established(port)) {
                        Thread.onSpinWait();
                    }
                } catch (IOException e) {
                    return;
                }
                while (running.get()) {
                    try (Socket socket = new Socket()) {
                        socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                        // The engine has the port: the window is over. Probing on would only load the
                        // engine (PostgreSQL forks a backend per connection) while its client logs in.
                        return;
                    } catch (ConnectException e) {
                        long now = System.nanoTime();
                        firstRefused.compareAndSet(0, now);
                        lastRefused.set(now);
                        refusals.incrementAndGet();
                    } catch (IOException e) {
                        // a timeout: not a refusal
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                }
            }, "bench-prober");
            thread.setDaemon(true);
        }

        static Prober start(int port) {
            Prober prober = new Prober(port);
            prober.thread.start();
            return prober;
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
        }

        double windowMillis() {
            return firstRefused.get() == 0 ? 0 : (lastRefused.get() - firstRefused.get()) / 1_000_000.0;
        }
    }
}
