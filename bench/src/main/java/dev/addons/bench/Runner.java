package dev.addons.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Measures one subject on one row, repetition after repetition: start, first query, (memory),
 * stop. A failing repetition ends the subject's row with a note; whatever was started is
 * stopped in every case.
 */
final class Runner {
    private final int warmups;
    private final int reps;
    private final long idleMillis;
    private final PrintStream log;

    Runner(int warmups, int reps, long idleMillis, PrintStream log) {
        this.warmups = warmups;
        this.reps = reps;
        this.idleMillis = idleMillis;
        this.log = log;
    }

    Result measure(Row row, Target target, String version, boolean memory) {
        List<Double> ready = new ArrayList<>();
        List<Double> destroy = new ArrayList<>();
        List<ProcessMemory.Usage> usages = new ArrayList<>();
        String note = warmUp(row, target);
        for (int i = 1; i <= reps && note == null; i++) {
            Target.Instance instance = null;
            long started = System.nanoTime();
            try {
                target.beforeStart();
                started = System.nanoTime();
                instance = target.start();
                FirstQuery.await(row.engine(), instance.variables());
                ready.add(millisSince(started));
                if (memory) {
                    Thread.sleep(idleMillis);
                    port(row.engine(), instance.variables()).flatMap(Runner::usage).ifPresent(usages::add);
                }
            } catch (Exception e) {
                note = "failed: " + Bench.oneLine(e);
            } finally {
                if (instance != null) {
                    long stopping = System.nanoTime();
                    try {
                        instance.close();
                        destroy.add(millisSince(stopping));
                    } catch (Exception e) {
                        note = note != null ? note : "stop failed: " + Bench.oneLine(e);
                    }
                }
            }
            log.printf("bench: %-28s %-32s rep %d/%d %s%n", row, target.name(), i, reps,
                    note == null ? String.format("ready %.0f ms, destroy %.0f ms", last(ready), last(destroy)) : note);
        }
        return new Result(row.toString(), target.name(), version, Stats.of(ready), Stats.of(destroy),
                median(usages.stream().map(ProcessMemory.Usage::rssKib).toList()),
                median(usages.stream().map(ProcessMemory.Usage::pssKib).toList()),
                usages.isEmpty() ? null : usages.get(0).processes(), note);
    }

    /**
     * Untimed repetitions first, so that neither side's first timed one pays for loading the
     * client's classes or for reading the engine's binaries from disk; returns a failure's note.
     */
    private String warmUp(Row row, Target target) {
        for (int i = 1; i <= warmups; i++) {
            try {
                target.beforeStart();
            } catch (Exception e) {
                return "failed in warm-up: " + Bench.oneLine(e);
            }
            try (Target.Instance instance = target.start()) {
                FirstQuery.await(row.engine(), instance.variables());
            } catch (Exception e) {
                return "failed in warm-up: " + Bench.oneLine(e);
            }
            log.printf("bench: %-28s %-32s warm-up %d/%d done%n", row, target.name(), i, warmups);
        }
        return null;
    }

    static Optional<Integer> port(String engine, Map<String, String> vars) {
        String key = switch (engine) {
            case "postgresql" -> "PGPORT";
            case "mysql" -> "MYSQL_PORT";
            case "valkey" -> "VALKEY_PORT";
            case "rabbitmq" -> "RABBITMQ_PORT";
            case "memcached" -> "MEMCACHE_PORT";
            default -> throw new IllegalArgumentException(engine);
        };
        String value = vars.get(key);
        if (value == null && engine.equals("valkey") && vars.containsKey("VALKEY_URL")) {
            value = Integer.toString(java.net.URI.create(vars.get("VALKEY_URL")).getPort());
        }
        return Optional.ofNullable(value).map(Integer::parseInt);
    }

    private static Optional<ProcessMemory.Usage> usage(int port) {
        try {
            return ProcessMemory.ofPort(port);
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    static double millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000.0;
    }

    private static double last(List<Double> values) {
        return values.isEmpty() ? Double.NaN : values.get(values.size() - 1);
    }

    private static Long median(List<Long> values) {
        if (values.isEmpty()) {
            return null;
        }
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
