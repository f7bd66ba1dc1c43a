package dev.addons.cli;

import dev.addons.api.AddonRecord;
import dev.addons.core.Addons;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code addons restart NAME -a APP}: restarts an addon's server on its data, also one that was
 * killed or stopped behind addons' back (the addon is failed, saying so, until then).
 */
@Command(name = "restart", description = "Restart an app's addon's server on its data, e.g. after it was killed.")
final class RestartCommand extends AddonsCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The addon, e.g. postgresql.")
    String addon;

    @Mixin
    AppOptions target;

    @Override
    public Integer call() {
        PrintWriter out = out();
        AddonRecord restarted;
        try (Addons addons = openShowingTransitions()) {
            restarted = target.in(addons).restart(addon);
        }
        if (main.json()) {
            Json.print(out, Json.record(restarted));
        } else {
            out.println(restarted.addon() + " (" + restarted.app() + "/" + restarted.environment() + "): restarted");
        }
        return 0;
    }
}
