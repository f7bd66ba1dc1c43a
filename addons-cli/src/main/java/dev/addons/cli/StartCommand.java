package dev.addons.cli;

import dev.addons.api.AddonRecord;
import dev.addons.core.Addons;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code addons start NAME -a APP}: starts a stopped, sleeping or downed addon's server again on its data. */
@Command(name = "start", description = "Start an app's stopped, sleeping or downed addon's server again on its data.")
final class StartCommand extends AddonsCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The addon, e.g. postgresql.")
    String addon;

    @Mixin
    AppOptions target;

    @Override
    public Integer call() {
        AddonRecord started;
        try (Addons addons = openShowingTransitions()) {
            started = target.in(addons).start(addon);
        }
        PrintWriter out = out();
        if (main.json()) {
            Json.print(out, Json.record(started));
        } else {
            out.println(Watcher.subject(started) + ": " + Watcher.label(started.status()));
        }
        return 0;
    }
}
