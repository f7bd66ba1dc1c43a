package dev.addons.cli;

import dev.addons.core.Addons;
import dev.addons.core.Health;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code addons health -a APP}: whether each of the app's addons can serve now, one line each;
 * exit code 1 when one cannot.
 */
@Command(name = "health", description = "Check that each of an app's addons is active, its server running and"
        + " answering; exit code 1 if not.")
final class HealthCommand extends AddonsCommand {
    @Mixin
    AppOptions target;

    @Override
    public Integer call() {
        PrintWriter out = out();
        List<Health> checked;
        try (Addons addons = open()) {
            checked = target.in(addons).health();
        }
        if (main.json()) {
            Json.print(out, checked.stream().map(h -> {
                Map<String, Object> map = new LinkedHashMap<>(Json.record(h.addon()));
                map.put("healthy", h.healthy());
                map.put("detail", h.detail());
                map.putAll(Json.history(h.history()));
                return map;
            }).toList());
        } else {
            for (Health h : checked) {
                out.println(h.addon().addon() + ": " + (h.healthy() ? "healthy" : "UNHEALTHY") + " - " + h.detail()
                        + (h.history().restarts() == 0 ? "" : "; restarted " + h.history().restarts()
                                + " time(s) after a crash, the last at " + h.history().lastCrashAt()));
                h.history().lastCrashTime().ifPresent(at -> out.println("  last crash (" + at + "): "
                        + Failures.oneLine(h.history().lastCrash())));
            }
        }
        return checked.stream().allMatch(Health::healthy) ? 0 : 1;
    }
}
