package dev.addons.cli;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.core.Addons;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code addons create NAME[:VARIANT] -a APP}: provisions an addon and waits until it is active. */
@Command(name = "create", description = "Create an addon for an app and wait until it is active.")
final class CreateCommand extends AddonsCommand {
    @Parameters(index = "0", paramLabel = "NAME[:VARIANT]",
            description = "The addon and optionally its variant, e.g. postgresql or postgresql:shared.")
    String addon;

    @Mixin
    AppOptions target;

    @Option(names = "--version", paramLabel = "V",
            description = "A supported version, e.g. 16 (default: the addon's default)."
                    + " A value with ':' is a custom image and needs the container runtime.")
    String version;

    @Option(names = "--server", paramLabel = "NAME",
            description = "A registered external server to put a shared addon on (see 'addons servers').")
    String server;

    @Option(names = "--sleep-after", paramLabel = "DURATION",
            description = "Stop its dedicated server after this long without a client, e.g. 15m (s, m or h;"
                    + " at least 1s); a supervisor ('addons agent') holds its port and starts it again when a"
                    + " client connects. Process runtime only.")
    String sleepAfter;

    @Override
    public Integer call() {
        PrintWriter out = out();
        AddonSpec wanted = AddonSpec.parse(addon).withVersion(version).withServer(server)
                .withSleepAfter(sleepAfter == null ? null : AddonSpec.parseSleepAfter("--sleep-after", sleepAfter));
        AddonRecord created;
        try (Addons addons = openShowingTransitions()) {
            created = addons.create(target.app, target.environment(), wanted);
        }
        if (main.json()) {
            Json.print(out, Json.record(created));
        } else {
            ListCommand.print(out, List.of(created));
        }
        return 0;
    }
}
