package dev.addons.cli;

import dev.addons.api.AddonNotFoundException;
import dev.addons.api.AddonRecord;
import dev.addons.api.InvalidSpecException;
import dev.addons.core.Addons;
import dev.addons.core.AppFile;
import dev.addons.core.DeployResult;
import dev.addons.core.Removals;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code addons deploy [-f FILE]}: makes an environment's addons match an app file. Without
 * {@code -f} the file is {@code addons.toml} in the current directory, else
 * {@code .addons/app.toml}.
 */
@Command(name = "deploy", description = "Make an environment's addons match an app file: create the declared"
        + " ones, wait until all are active, and destroy those no longer declared.")
final class DeployCommand extends AddonsCommand {
    /** Where an app file is looked for, in order, when {@code -f} is not given. */
    static final List<Path> DEFAULT_FILES = List.of(Path.of("addons.toml"), Path.of(".addons", "app.toml"));

    @Option(names = {"-f", "--file"}, paramLabel = "FILE",
            description = "The app file (default: ./addons.toml, else ./.addons/app.toml).")
    Path file;

    @Mixin
    EnvironmentOption environment;

    @Option(names = {"--prune", "--yes"}, description = "Also remove the addons the file no longer declares that hold"
            + " data, each after a final backup (without it they are kept and listed).")
    boolean prune;

    @Option(names = "--no-backup", description = "With --prune: remove them without a final backup.")
    boolean noBackup;

    @Override
    public Integer call() {
        Path path = appFilePath();
        AppFile appFile = AppFile.read(path);
        PrintWriter out = out();
        DeployResult result;
        try (Addons addons = openShowingTransitions()) {
            result = addons.deploy(appFile, environment.name, !prune ? Removals.KEEP_DATA
                    : noBackup ? Removals.PRUNE_WITHOUT_BACKUP : Removals.PRUNE);
        } catch (InvalidSpecException e) {
            // What the file declares is checked against the addons there are: say which file.
            throw e.getMessage().startsWith(path.toString()) ? e
                    : new InvalidSpecException(path + ": " + e.getMessage(), e);
        } catch (AddonNotFoundException e) {
            throw new AddonNotFoundException(path + ": " + e.getMessage());
        }
        if (main.json()) {
            Json.print(out, Json.deploy(result));
            return 0;
        }
        for (AddonRecord gone : result.destroyed()) {
            out.println(Watcher.subject(gone) + " destroyed: no longer declared"
                    + (gone.message().isEmpty() ? "" : "; " + gone.message()));
        }
        for (AddonRecord kept : result.kept()) {
            out.println(Watcher.subject(kept) + " kept: no longer declared, but it holds data; deploy with --prune"
                    + " (or --yes) to remove it after a final backup");
        }
        if (result.active().isEmpty()) {
            out.println(result.app() + " has no addons in " + result.environment() + ".");
        } else {
            ListCommand.print(out, result.active());
        }
        return 0;
    }

    private Path appFilePath() {
        if (file != null) {
            return file;
        }
        return DEFAULT_FILES.stream().filter(Files::isRegularFile).findFirst()
                .orElseThrow(() -> new ParameterException(spec.commandLine(), "no app file: neither "
                        + DEFAULT_FILES.get(0) + " nor " + DEFAULT_FILES.get(1) + " is in "
                        + Path.of("").toAbsolutePath() + "; name one with -f FILE"));
    }
}
