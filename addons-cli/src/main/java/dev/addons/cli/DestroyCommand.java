package dev.addons.cli;

import dev.addons.api.AddonRecord;
import dev.addons.core.Addons;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code addons destroy NAME -a APP}: deprovisions an addon and deletes its data. */
@Command(name = "destroy", description = "Destroy an app's addon and delete its data. This cannot be undone.")
final class DestroyCommand extends AddonsCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The addon, e.g. postgresql.")
    String addon;

    @Mixin
    AppOptions target;

    @Override
    public Integer call() {
        PrintWriter out = out();
        AddonRecord destroyed;
        try (Addons addons = openShowingTransitions()) {
            destroyed = addons.destroy(target.app, target.environment(), addon);
        }
        if (main.json()) {
            Json.print(out, Json.record(destroyed));
        }
        return 0;
    }
}
