package dev.addons.cli;

import dev.addons.core.Addons;
import dev.addons.core.WarmPool;
import dev.addons.core.runtime.ProgressListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code addons warm [--pool ENGINE/VERSION]... [--remove]}: the process runtime's warm pools
 * (runtime setting {@code process.warm}): fills those the settings name, and those given, in the
 * foreground, then lists them; or removes the warm servers no addon has taken. A command that
 * took a warm server runs {@code warm --quiet --pool ...} detached as it exits, so that the next
 * command finds the pool full again.
 */
@Command(name = "warm", description = "Fill the process runtime's warm pools (servers started ahead, which a new"
        + " server of their engine and version becomes instead of starting; settings process.warm,"
        + " process.warm.<engine>[.<version>], e.g. JAVA_TOOL_OPTIONS=-Daddons.process.warm.postgresql=1) and list"
        + " them, or remove the warm servers not taken.")
final class WarmCommand extends AddonsCommand {
    @Option(names = "--pool", paramLabel = "ENGINE/VERSION", description = "Fill this pool too (its size from"
            + " the settings), e.g. postgresql/15.")
    List<String> pools = new ArrayList<>();

    @Option(names = "--remove", description = "Destroy every warm server no addon has taken, and exit.")
    boolean remove;

    @Option(names = "--quiet", description = "Print nothing (for the detached fill a command runs as it exits).")
    boolean quiet;

    @Override
    public Integer call() {
        // This command fills the pools itself, in the foreground: no thread, no other process.
        System.setProperty("addons.process.fillWarmAfterExit", "off");
        try (Addons addons = open()) {
            if (remove) {
                int removed = addons.removeWarmServers();
                if (main.json()) {
                    Json.print(out(), Map.of("removed", removed));
                } else if (!quiet) {
                    out().println("Removed " + removed + " warm server" + (removed == 1 ? "" : "s") + ".");
                }
                return 0;
            }
            ProgressListener progress = quiet || main.json() ? ProgressListener.NONE : new Watcher(err(), true);
            for (String pool : pools) {
                int slash = pool.indexOf('/');
                if (slash <= 0 || slash == pool.length() - 1) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--pool must be"
                            + " ENGINE/VERSION, e.g. postgresql/15, not '" + pool + "'");
                }
                addons.fillWarmPool(pool.substring(0, slash), pool.substring(slash + 1), progress);
            }
            List<WarmPool> filled = addons.fillWarmPools(progress);
            if (main.json()) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (WarmPool pool : filled) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("engine", pool.engine());
                    row.put("version", pool.version());
                    row.put("size", pool.size());
                    row.put("ready", pool.ready());
                    rows.add(row);
                }
                Json.print(out(), rows);
            } else if (!quiet) {
                if (filled.isEmpty()) {
                    out().println("No warm pools. Keep one with the runtime setting process.warm.<engine>=N, e.g."
                            + " JAVA_TOOL_OPTIONS=-Daddons.process.warm.postgresql=1");
                } else {
                    TextTable table = new TextTable("ENGINE", "VERSION", "SIZE", "READY");
                    for (WarmPool pool : filled) {
                        table.row(pool.engine(), pool.version(), Integer.toString(pool.size()),
                                Integer.toString(pool.ready()));
                    }
                    table.print(out(), "");
                }
            }
            return 0;
        }
    }
}
