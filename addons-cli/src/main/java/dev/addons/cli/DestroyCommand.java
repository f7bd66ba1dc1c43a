package dev.addons.cli;

import dev.addons.api.AddonRecord;
import dev.addons.core.Addons;
import dev.addons.core.FinalBackup;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code addons destroy NAME -a APP}: deprovisions an addon and deletes its data. */
@Command(name = "destroy", description = "Destroy an app's addon and delete its data, after a final backup of the"
        + " data it holds (unless --no-backup); 'addons restore NAME -a APP -s FILE' brings it back.")
final class DestroyCommand extends AddonsCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The addon, e.g. postgresql.")
    String addon;

    @Option(names = "--no-backup", description = "Take no final backup: the data is gone for good.")
    boolean noBackup;

    @Mixin
    AppOptions target;

    @Override
    public Integer call() {
        PrintWriter out = out();
        AddonRecord destroyed;
        try (Addons addons = openShowingTransitions()) {
            destroyed = target.in(addons).destroy(addon,
                    noBackup ? FinalBackup.SKIP : FinalBackup.TAKE);
        }
        if (main.json()) {
            Json.print(out, Json.record(destroyed));
        } else if (!destroyed.message().isEmpty()) {
            out.println(Watcher.subject(destroyed) + ": " + destroyed.message());
        }
        return 0;
    }
}
