package dev.addons.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line of the harness; see {@link #USAGE}. Unknown options are refused by name.
 */
record Options(int warmups, int reps, List<String> rows, Map<String, String> versions, Map<String, String> images,
        boolean peers, long idleMillis, Path out, Path compare, Path home, int scaleShared, int scaleDedicated,
        int cycles, boolean throwaway, int wakes, int cli, int junit, boolean warm) {

    static final String USAGE = """
            usage: bench/run.sh [options]
              --reps N              timed repetitions per row and subject (default 5)
              --warmup N            untimed repetitions before them (default 1; 0 for none)
              --rows P[,P...]       rows to run: engine[/variant[/runtime]], * for any part,
                                    e.g. postgresql or */small/process (default: all; 'none' for only scale rows)
              --version ENGINE=V    process-runtime version (defaults postgresql=15 mysql=8 valkey=7
                                    rabbitmq=3 memcached=1.6, all Debian's, so nothing is fetched)
              --image ENGINE=REF    container-runtime image, for addons and Testcontainers alike
                                    (default localhost/addons-test/<engine>:<tag>)
              --no-peers            measure addons only
              --idle-ms MS          idle time before reading a server's memory (default 1000)
              --out DIR             where the JSON goes (default bench/results)
              --compare FILE        print the change of each median against an earlier JSON
              --home DIR            the addons home (default: a new temporary one, deleted at the end)
              --scale-shared N      N shared PostgreSQL databases provisioned concurrently
              --scale-dedicated M   M dedicated PostgreSQL servers alive at once
              --cycles K            K create/destroy cycles, checking nothing is left behind
              --wake K              K sleeps and wakes per engine (process runtime, sleep_after 1s):
                                    wake to first query, the refused window, Valkey's splice cost
              --cli K               K runs of bin/addons --version, deploy (one postgresql small addon) in a
                                    new home and in an old one, and destroy: wall time to output and exit
              --junit K             K runs of a test class in a new JVM: without addons, then with a template
                                    copy on shared postgresql and a valkey twice in a row: wall time to exit
              --warm                on each small row of the process runtime, also addons with a warm pool
                                    of 1 (process.warm): each create takes a server started ahead, the
                                    pool full before each one (its refill is not timed)
              --throwaway           addons' dedicated servers as throwaway ones (what the JUnit
                                    extension asks for: no waiting for the disk); default durable
            """;

    static Options parse(String[] args) {
        int reps = 5;
        int warmups = 1;
        List<String> rows = new ArrayList<>(List.of("*"));
        Map<String, String> versions = new LinkedHashMap<>(Map.of("postgresql", "15", "mysql", "8", "valkey", "7",
                "rabbitmq", "3", "memcached", "1.6"));
        Map<String, String> images = new LinkedHashMap<>(Map.of(
                "postgresql", "localhost/addons-test/postgres:15", "mysql", "localhost/addons-test/mysql:8",
                "valkey", "localhost/addons-test/valkey:7", "memcached", "localhost/addons-test/memcached:1.6",
                "rabbitmq", "localhost/addons-test/rabbitmq:3.10-management"));
        boolean peers = true;
        long idle = 1000;
        Path out = Path.of("bench/results");
        Path compare = null;
        Path home = null;
        int scaleShared = 0;
        int scaleDedicated = 0;
        int cycles = 0;
        boolean throwaway = false;
        int wakes = 0;
        int cli = 0;
        int junit = 0;
        boolean warm = false;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            switch (option) {
                case "--reps" -> reps = positive(option, value(args, ++i, option));
                case "--warmup" -> warmups = atLeastZero(option, value(args, ++i, option));
                case "--rows" -> rows = List.of(value(args, ++i, option).split(","));
                case "--version" -> put(versions, option, value(args, ++i, option));
                case "--image" -> put(images, option, value(args, ++i, option));
                case "--no-peers" -> peers = false;
                case "--help-only" -> throw new IllegalArgumentException("the options:");
                case "--idle-ms" -> idle = positive(option, value(args, ++i, option));
                case "--out" -> out = Path.of(value(args, ++i, option));
                case "--compare" -> compare = Path.of(value(args, ++i, option));
                case "--home" -> home = Path.of(value(args, ++i, option));
                case "--scale-shared" -> scaleShared = positive(option, value(args, ++i, option));
                case "--scale-dedicated" -> scaleDedicated = positive(option, value(args, ++i, option));
                case "--cycles" -> cycles = positive(option, value(args, ++i, option));
                case "--throwaway" -> throwaway = true;
                case "--warm" -> warm = true;
                case "--wake" -> wakes = positive(option, value(args, ++i, option));
                case "--cli" -> cli = positive(option, value(args, ++i, option));
                case "--junit" -> junit = positive(option, value(args, ++i, option));
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        return new Options(warmups, reps, rows.equals(List.of("none")) ? List.of() : rows, versions, images, peers, idle,
                out, compare, home, scaleShared, scaleDedicated, cycles, throwaway, wakes, cli, junit, warm);
    }

    /** The rows the patterns select, in table order. */
    List<Row> selectedRows() {
        return Row.all().stream().filter(r -> rows.stream().anyMatch(r::matches)).toList();
    }

    /** The version addons is asked for on the row's runtime: a version, or an image reference. */
    String versionFor(Row row) {
        return row.runtime().equals("container") ? images.get(row.engine()) : versions.get(row.engine());
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int positive(String option, String value) {
        int n = atLeastZero(option, value);
        if (n == 0) {
            throw new IllegalArgumentException(option + " needs a positive number: " + value);
        }
        return n;
    }

    private static int atLeastZero(String option, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " needs a number of 0 or more: " + value);
    }

    private static void put(Map<String, String> map, String option, String value) {
        int eq = value.indexOf('=');
        if (eq <= 0 || !Row.ENGINES.contains(value.substring(0, eq))) {
            throw new IllegalArgumentException(option + " needs ENGINE=VALUE with ENGINE one of " + Row.ENGINES
                    + ": " + value);
        }
        map.put(value.substring(0, eq), value.substring(eq + 1));
    }
}
