package dev.addons.cli;

import dev.addons.api.AddonRecord;
import dev.addons.core.Addons;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code addons stop NAME -a APP}: stops an addon's dedicated server and keeps its data, port and
 * variables; it stays stopped ({@code up} too leaves it so) until {@code addons start}.
 */
@Command(name = "stop", description = "Stop an app's addon's server, keeping its data, port and variables, until"
        + " 'addons start'.")
final class StopCommand extends AddonsCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The addon, e.g. postgresql.")
    String addon;

    @Mixin
    AppOptions target;

    @Override
    public Integer call() {
        AddonRecord stopped;
        try (Addons addons = openShowingTransitions()) {
            stopped = target.in(addons).stop(addon);
        }
        PrintWriter out = out();
        if (main.json()) {
            Json.print(out, Json.record(stopped));
        } else {
            out.println(Watcher.subject(stopped) + ": stopped; its data and variables are kept");
        }
        return 0;
    }
}
