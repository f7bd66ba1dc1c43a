package dev.addons.cli;

import dev.addons.api.AddonRecord;
import dev.addons.core.Addons;
import dev.addons.core.Supervisor;
import dev.addons.core.UpResult;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code addons up [-a APP] [--env ENV]}: brings every addon of the home (or of one app, or one
 * environment) that should be running back on its data, in parallel; exit code 0 once all are
 * active, 1 naming those that could not come back. What a machine runs at boot.
 */
@Command(name = "up", description = "Bring every addon that should be running back on its data (after a crash or a"
        + " reboot), in parallel; exit code 1 naming those that could not come back. Stopped addons stay stopped.")
final class UpCommand extends AddonsCommand {
    @Option(names = {"-a", "--app"}, paramLabel = "APP", description = "Only this app's addons (default: every app).")
    String app;

    @Option(names = "--env", paramLabel = "ENV", description = "Only this environment's addons (default: every one).")
    String environment;

    @Override
    public Integer call() {
        UpResult result;
        try (Addons addons = openShowingTransitions()) {
            // A running agent holds sleeping addons' ports and wakes them itself.
            result = addons.up(app, environment, Supervisor.runningFor(addons.home()).isEmpty());
        }
        PrintWriter out = out();
        if (main.json()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("active", Json.records(result.active()));
            json.put("failed", result.failures().stream().map(f -> {
                Map<String, Object> map = new LinkedHashMap<>(Json.record(f.addon()));
                map.put("reason", f.reason());
                return map;
            }).toList());
            json.put("left", Json.records(result.left()));
            Json.print(out, json);
        } else {
            for (AddonRecord record : result.left()) {
                out.println(Watcher.subject(record) + ": left " + Watcher.label(record.status()));
            }
            for (UpResult.Failure failure : result.failures()) {
                err().println("addons: " + Watcher.subject(failure.addon()) + " could not come back: "
                        + Failures.oneLine(failure.reason()));
            }
            out.println(result.active().size() + " active, " + result.failures().size() + " could not come back, "
                    + result.left().size() + " left as they are");
        }
        return result.allActive() ? 0 : 1;
    }
}
