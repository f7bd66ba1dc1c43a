package dev.addons.cli;

import dev.addons.api.AddonRecord;
import dev.addons.core.Addons;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code addons list -a APP}: the app's addons in an environment and their status. */
@Command(name = "list", description = "List an app's addons in an environment, with their status.")
final class ListCommand extends AddonsCommand {
    @Mixin
    AppOptions target;

    @Override
    public Integer call() {
        PrintWriter out = out();
        List<AddonRecord> records;
        java.util.Map<String, dev.addons.core.ServerHistory> histories = new java.util.LinkedHashMap<>();
        try (Addons addons = open()) {
            records = addons.list(target.app, target.environment());
            for (AddonRecord r : records) {
                histories.put(r.id(), addons.history(r.app(), r.environment(), r.addon()));
            }
        }
        if (main.json()) {
            Json.print(out, records.stream().map(r -> {
                java.util.Map<String, Object> map = new java.util.LinkedHashMap<>(Json.record(r));
                map.putAll(Json.history(histories.get(r.id())));
                return map;
            }).toList());
        } else if (records.isEmpty()) {
            out.println(target.app + " has no addons in " + target.environment() + ".");
        } else {
            print(out, records);
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
        boolean messages = records.stream().anyMatch(r -> !r.message().isEmpty());
        TextTable table = messages
                ? new TextTable("ADDON", "VARIANT", "VERSION", "STATUS", "RUNTIME", "ID", "MESSAGE")
                : new TextTable("ADDON", "VARIANT", "VERSION", "STATUS", "RUNTIME", "ID");
        for (AddonRecord r : records) {
            String status = Watcher.label(r.status());
            if (messages) {
                table.row(r.addon(), r.variant(), r.version(), status, r.runtime(), r.id(),
                        Failures.oneLine(r.message()));
            } else {
                table.row(r.addon(), r.variant(), r.version(), status, r.runtime(), r.id());
            }
        }
        table.print(out, "");
    }
}
