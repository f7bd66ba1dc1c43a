package dev.addons.cli;

import dev.addons.core.Addons;
import dev.addons.core.App;
import dev.addons.core.BackupInfo;
import dev.addons.core.BackupPolicy;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code addons backups -a APP}: the backups the home keeps of an app's addons; with an addon's
 * name, its backup policy, changed by the policy options; with {@code --run-due}, the automatic
 * backups that are due (for cron).
 */
@Command(name = "backups", description = {
    "List the backups kept of an app's addons, show or set an addon's backup policy, or take the due ones.",
    "With NAME: show the addon's backup policy, or set it with the options below. With --run-due: take",
    "every automatic backup that is due (run it from cron, e.g. every 10 minutes)."})
final class BackupsCommand extends AddonsCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "An addon, e.g. postgresql.")
    String addon;

    @Option(names = {"-a", "--app"}, paramLabel = "APP", description = "The app's name.")
    String app;

    @Mixin
    EnvironmentOption environment;

    @Option(names = "--schedule", paramLabel = "EVERY",
            description = "Automatic backups every EVERY (e.g. 6h, 1d), or off.")
    String schedule;

    @Option(names = "--keep-last", paramLabel = "N", description = "Keep the last N backups (0: no limit).")
    Integer keepLast;

    @Option(names = "--max-age", paramLabel = "AGE", description = "Delete backups older than AGE (e.g. 30d), or off.")
    String maxAge;

    @Option(names = "--manual-per-day", paramLabel = "N", description = "Allow N manual backups a day (UTC).")
    Integer manualPerDay;

    @Option(names = "--run-due", description = "Take the automatic backups that are due, of every app.")
    boolean runDue;

    @Override
    public Integer call() {
        PrintWriter out = out();
        if (runDue) {
            int taken;
            try (Addons addons = openShowingTransitions()) {
                taken = addons.runDueBackups();
            }
            if (main.json()) {
                Json.print(out, Map.of("taken", taken));
            } else {
                out.println(taken == 1 ? "Took 1 automatic backup." : "Took " + taken + " automatic backups.");
            }
            return 0;
        }
        if (app == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--app=APP'");
        }
        if (addon != null) {
            return policy(out);
        }
        if (schedule != null || keepLast != null || maxAge != null || manualPerDay != null) {
            throw new ParameterException(spec.commandLine(), "the policy options need the addon's NAME, e.g. "
                    + "addons backups postgresql -a " + app + " --schedule 1d");
        }
        List<BackupInfo> backups;
        try (Addons addons = open()) {
            backups = addons.app(app, environment.name).backups();
        }
        if (main.json()) {
            List<Map<String, Object>> list = new ArrayList<>();
            backups.forEach(b -> list.add(Json.backup(b)));
            Json.print(out, list);
        } else if (backups.isEmpty()) {
            out.println("No backups of " + app + " in " + environment.name + ".");
        } else {
            TextTable table = new TextTable("ADDON", "CREATED", "TRIGGER", "DATA", "ARCHIVE", "FILE");
            for (BackupInfo b : backups) {
                table.row(b.addon(), b.createdAt().toString(), b.trigger(), size(b.payloadBytes()),
                        size(b.archiveBytes()), b.file().toString());
            }
            table.print(out, "");
        }
        return 0;
    }

    private int policy(PrintWriter out) {
        BackupPolicy policy;
        try (Addons addons = open()) {
            App target = addons.app(app, environment.name);
            policy = target.backupPolicy(addon);
            boolean change = schedule != null || keepLast != null || maxAge != null || manualPerDay != null;
            if (change) {
                if (schedule != null) {
                    policy = policy.withSchedule(BackupPolicy.parseDuration("--schedule", schedule));
                }
                if (keepLast != null) {
                    policy = policy.withKeepLast(keepLast);
                }
                if (maxAge != null) {
                    policy = policy.withMaxAge(BackupPolicy.parseDuration("--max-age", maxAge));
                }
                if (manualPerDay != null) {
                    policy = policy.withManualPerDay(manualPerDay);
                }
                policy = target.backupPolicy(addon, policy);
            }
        }
        if (main.json()) {
            Json.print(out, Json.policy(policy));
        } else {
            Map<String, String> lines = new LinkedHashMap<>();
            lines.put("automatic backups", policy.schedule() == null ? "off"
                    : "every " + BackupPolicy.format(policy.schedule()));
            lines.put("keep", (policy.keepLast() == 0 ? "any number" : "the last " + policy.keepLast())
                    + (policy.maxAge() == null ? "" : ", younger than " + BackupPolicy.format(policy.maxAge())));
            lines.put("manual backups a day", Integer.toString(policy.manualPerDay()));
            lines.forEach((key, value) -> out.println(key + ": " + value));
        }
        return 0;
    }

    /** A size for people, e.g. {@code 12.3 MB}. */
    static String size(long bytes) {
        if (bytes < 1_000) {
            return bytes + " B";
        }
        if (bytes < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f kB", bytes / 1_000.0);
        }
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1_000_000.0);
    }
}
