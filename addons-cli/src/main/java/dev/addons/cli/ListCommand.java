package dev.addons.cli;

import dev.addons.api.AddonRecord;
import dev.addons.core.Addons;
import dev.addons.core.App;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code addons list -a APP}: the app's addons in an environment and their status;
 * {@code addons list --all}: every addon of the home, with its app and environment.
 */
@Command(name = "list", description = "List an app's addons in an environment (or every addon of the home),"
        + " with their status.")
final class ListCommand extends AddonsCommand {
    @ArgGroup(multiplicity = "1")
    Which which;

    @Mixin
    EnvironmentOption environment;

    /** One app, or all of them. */
    static final class Which {
        @Option(names = {"-a", "--app"}, paramLabel = "APP", required = true, description = "The app's name.")
        String app;

        @Option(names = "--all", required = true,
                description = "Every addon of the home, of every app and environment (--env is not used).")
        boolean all;
    }

    @Override
    public Integer call() {
        PrintWriter out = out();
        List<AddonRecord> records;
        java.util.Map<String, dev.addons.core.ServerHistory> histories = new java.util.LinkedHashMap<>();
        Map<String, OptionalInt> limits = new HashMap<>();
        try (Addons addons = open()) {
            records = which.all ? addons.listAll() : addons.app(which.app, environment.name).list();
            for (AddonRecord r : records) {
                App app = addons.app(r.app(), r.environment());
                histories.put(r.id(), app.history(r.addon()));
                limits.put(r.id(), app.connectionLimit(r.addon()));
            }
        }
        if (main.json()) {
            Json.print(out, records.stream().map(r -> {
                java.util.Map<String, Object> map = new java.util.LinkedHashMap<>(Json.record(r));
                OptionalInt limit = limits.get(r.id());
                map.put("connections", limit.isPresent() ? limit.getAsInt() : null);
                map.putAll(Json.history(histories.get(r.id())));
                return map;
            }).toList());
        } else if (records.isEmpty()) {
            out.println(which.all ? "The home has no addons." : which.app + " has no addons in " + environment.name
                    + ".");
        } else {
            print(out, records, limits, which.all);
            for (AddonRecord r : records) {
                dev.addons.core.ServerHistory history = histories.get(r.id());
                history.lastCrashTime().ifPresent(at -> out.println(r.addon() + ": restarted " + history.restarts()
                        + " time(s) after a crash; last crash " + at + ": " + Failures.oneLine(history.lastCrash())));
            }
        }
        return 0;
    }

    /** The records as a table; a column of messages only when one has something to say. */
    static void print(PrintWriter out, List<AddonRecord> records) {
        print(out, records, Map.of());
    }

    /**
     * The records as a table, with a column of the apps' connection limits on shared servers
     * ({@code limits}, by record id) when one has a limit, and a column of messages when one has
     * something to say.
     */
    static void print(PrintWriter out, List<AddonRecord> records, Map<String, OptionalInt> limits) {
        print(out, records, limits, false);
    }

    /** {@link #print(PrintWriter, List, Map)}, with each record's app and environment first when {@code apps}. */
    static void print(PrintWriter out, List<AddonRecord> records, Map<String, OptionalInt> limits, boolean apps) {
        boolean messages = records.stream().anyMatch(r -> !r.message().isEmpty());
        boolean connections = limits.values().stream().anyMatch(OptionalInt::isPresent);
        List<String> header = new ArrayList<>(apps ? List.of("APP", "ENV") : List.of());
        header.addAll(List.of("ADDON", "VARIANT", "VERSION", "STATUS", "RUNTIME"));
        if (connections) {
            header.add("CONNECTIONS");
        }
        header.add("ID");
        if (messages) {
            header.add("MESSAGE");
        }
        TextTable table = new TextTable(header.toArray(String[]::new));
        for (AddonRecord r : records) {
            List<String> row = new ArrayList<>(apps ? List.of(r.app(), r.environment()) : List.of());
            row.addAll(List.of(r.addon(), r.variant(), r.version(), Watcher.label(r.status()), r.runtime()));
            if (connections) {
                OptionalInt limit = limits.getOrDefault(r.id(), OptionalInt.empty());
                row.add(limit.isPresent() ? Integer.toString(limit.getAsInt()) : "-");
            }
            row.add(r.id());
            if (messages) {
                row.add(Failures.oneLine(r.message()));
            }
            table.row(row.toArray(String[]::new));
        }
        table.print(out, "");
    }
}
