package dev.addons.cli;

import dev.addons.api.AddonSpec;
import dev.addons.api.InvalidSpecException;
import dev.addons.core.Addons;
import dev.addons.core.App;
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

    @Option(names = "--variant", paramLabel = "VARIANT", description = "When the addon does not exist: create it"
            + " with this variant (default: the backup's).")
    String variant;

    @Option(names = "--version", paramLabel = "VERSION", description = "When the addon does not exist: create it"
            + " with this version (default: the backup's).")
    String version;

    @Override
    public Integer call() {
        BackupInfo restored;
        try (Addons addons = openShowingTransitions()) {
            App app = target.in(addons);
            boolean exists = app.list().stream()
                    .anyMatch(r -> r.addon().equals(addons.info(addon).name()));
            if (exists && (variant != null || version != null)) {
                throw new InvalidSpecException("--variant and --version only apply when " + addon + " of "
                        + target.app + "/" + target.environment() + " does not exist: it does");
            }
            restored = exists ? app.restore(addon, source, force)
                    : app.restore(AddonSpec.of(addon).withVariant(variant).withVersion(version), source);
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
