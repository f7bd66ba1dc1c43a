package dev.addons.cli;

import dev.addons.core.Addons;
import dev.addons.core.BackupInfo;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code addons restore NAME -a APP -s FILE [--force]}: an addon's data replaced with a backup's. */
@Command(name = "restore", description = {
    "Replace an app's addon's data with a backup's, possibly one of another app or environment.",
    "The archive is verified (checksum, engine) before anything is touched; the data is replaced",
    "all or nothing."})
final class RestoreCommand extends AddonsCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The addon, e.g. postgresql.")
    String addon;

    @Mixin
    AppOptions target;

    @Option(names = {"-s", "--source"}, paramLabel = "FILE", required = true,
            description = "The backup archive, e.g. from `addons backups`.")
    Path source;

    @Option(names = "--force", description = "Replace the data the addon holds (without it, only an empty addon"
            + " is restored into).")
    boolean force;

    @Override
    public Integer call() {
        BackupInfo restored;
        try (Addons addons = openShowingTransitions()) {
            restored = addons.restore(target.app, target.environment(), addon, source, force);
        }
        PrintWriter out = out();
        if (main.json()) {
            Json.print(out, Json.backup(restored));
        } else {
            out.println("Restored " + addon + " of " + target.app + "/" + target.environment() + " from " + source
                    + " (taken of " + restored.app() + "/" + restored.environment() + " at " + restored.createdAt()
                    + ").");
        }
        return 0;
    }
}
