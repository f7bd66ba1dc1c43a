package dev.addons.cli;

import dev.addons.api.AddonRecord;
import dev.addons.core.Addons;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code addons destroy NAME -a APP}: deprovisions an addon and deletes its data. */
@Command(name = "destroy", description = "Destroy an app's addon and delete its data. This cannot be undone.")
final class DestroyCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The addon, e.g. postgresql.")
    String addon;

    @Mixin
    AppOptions target;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        AddonRecord destroyed;
        try (Addons addons = main.open(main.json() ? spec.commandLine().getErr() : out)) {
            destroyed = addons.destroy(target.app, target.environment(), addon);
        }
        if (main.json()) {
            Json.print(out, Json.record(destroyed));
        }
        return 0;
    }
}
