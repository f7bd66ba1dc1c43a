package dev.addons.cli;

import dev.addons.api.AddonRecord;
import dev.addons.core.Addons;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code addons migrate NAME -a APP --to VARIANT}: an addon moved to another variant. */
@Command(name = "migrate", description = {
    "Move an app's addon to another variant (small <-> shared) by backup and restore.",
    "The app's variables change to the new server only once the copy is verified; until then, and if",
    "anything fails, the old one serves unchanged. Stop writing to the addon during the move."})
final class MigrateCommand extends AddonsCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The addon, e.g. postgresql.")
    String addon;

    @Mixin
    AppOptions target;

    @Option(names = "--to", paramLabel = "VARIANT", required = true, description = "The variant, e.g. shared.")
    String variant;

    @Override
    public Integer call() {
        AddonRecord moved;
        try (Addons addons = openShowingTransitions()) {
            moved = target.in(addons).migrate(addon, variant);
        }
        PrintWriter out = out();
        if (main.json()) {
            Json.print(out, Json.record(moved));
        } else {
            out.println("Moved " + moved.addon() + " of " + moved.app() + "/" + moved.environment() + " to "
                    + moved.variant() + ". Its variables changed: run `addons env -a " + moved.app() + "` again.");
        }
        return 0;
    }
}
