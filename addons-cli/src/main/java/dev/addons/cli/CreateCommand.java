package dev.addons.cli;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.core.Addons;
import dev.addons.core.App;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
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

    @Option(names = "--connections", paramLabel = "N",
            description = "For a shared addon: the most sessions the app may have open at once on the shared"
                    + " server (default 20; postgresql 1-97, mysql 1-150). Creating it again with another N"
                    + " changes the limit of the live addon.")
    Integer connections;

    @Override
    public Integer call() {
        PrintWriter out = out();
        AddonSpec wanted = AddonSpec.parse(addon).withVersion(version).withServer(server)
                .withSleepAfter(sleepAfter == null ? null : AddonSpec.parseSleepAfter("--sleep-after", sleepAfter))
                .withConnections(connections);
        AddonRecord created;
        OptionalInt limit;
        try (Addons addons = openShowingTransitions()) {
            App app = target.in(addons);
            created = app.create(wanted);
            limit = app.connectionLimit(created.addon());
        }
        if (main.json()) {
            Map<String, Object> map = new LinkedHashMap<>(Json.record(created));
            map.put("connections", limit.isPresent() ? limit.getAsInt() : null);
            Json.print(out, map);
        } else {
            ListCommand.print(out, List.of(created), Map.of(created.id(), limit));
        }
        return 0;
    }
}
