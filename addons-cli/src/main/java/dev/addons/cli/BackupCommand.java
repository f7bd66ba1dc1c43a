package dev.addons.cli;

import dev.addons.core.Addons;
import dev.addons.core.App;
import dev.addons.core.BackupInfo;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code addons backup NAME -a APP [-o FILE]}: a backup of an addon's data. */
@Command(name = "backup", description = {
    "Back up an app's addon while it runs: a zstd-compressed archive with a manifest and a SHA-256.",
    "Kept under the addons home (see `backups`) unless -o names a file. Counts against the addon's",
    "daily limit of manual backups."})
final class BackupCommand extends AddonsCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The addon, e.g. postgresql.")
    String addon;

    @Mixin
    AppOptions target;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write the archive here (replacing it) instead of under the addons home.")
    Path output;

    @Override
    public Integer call() {
        BackupInfo backup;
        try (Addons addons = openShowingTransitions()) {
            App app = target.in(addons);
            backup = output == null ? app.backup(addon) : app.backup(addon, output);
        }
        PrintWriter out = out();
        if (main.json()) {
            Json.print(out, Json.backup(backup));
        } else {
            out.println("Backed up " + backup.addon() + " of " + backup.app() + "/" + backup.environment() + " to "
                    + backup.file() + " (" + BackupsCommand.size(backup.payloadBytes()) + " of data, "
                    + BackupsCommand.size(backup.archiveBytes()) + " compressed).");
        }
        return 0;
    }
}
