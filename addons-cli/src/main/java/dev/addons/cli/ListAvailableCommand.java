package dev.addons.cli;

import dev.addons.api.Variant;
import dev.addons.core.AddonInfo;
import dev.addons.core.Addons;
import dev.addons.core.VersionInfo;
import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/**
 * {@code addons list-available}: the runtime new servers run on and why, then every addon, its
 * variants, the version it gets when none is asked on each runtime, and its versions with whether
 * each can be had on that runtime ({@code (default)} marks that runtime's default), and what of a
 * version's backups that runtime cannot do here.
 */
@Command(name = "list-available", description = "List the addons that can be created, with their versions"
        + " and whether each is installed, cached or will be fetched.")
final class ListAvailableCommand extends AddonsCommand {
    @Override
    public Integer call() {
        PrintWriter out = out();
        List<AddonInfo> available;
        String runtime;
        try (Addons addons = open()) {
            available = addons.available();
            runtime = addons.runtimeName() + " runtime (" + addons.runtimeReason() + ")";
        }
        if (main.json()) {
            Json.print(out, available.stream().map(Json::addon).toList());
            return 0;
        }
        out.println("New servers run on the " + runtime + "; availability is on that runtime.");
        for (AddonInfo info : available) {
            print(out, info);
        }
        return 0;
    }

    private static void print(PrintWriter out, AddonInfo info) {
        String aliases = info.aliases().isEmpty() ? "" : " (also: " + String.join(", ", info.aliases()) + ")";
        out.println(info.name() + aliases + " - " + info.description());
        out.println("  variants: " + info.variants().stream().map(v -> variantName(v, info.defaultVariant()))
                .collect(Collectors.joining(", ")));
        out.println("  default version: " + info.defaultVersions().entrySet().stream()
                .map(e -> e.getValue() + " on " + e.getKey()).collect(Collectors.joining(", ")));
        TextTable table = new TextTable("VERSION", "AVAILABILITY", "DETAIL");
        for (VersionInfo version : info.versions()) {
            table.row(version.version() + (version.isDefault() ? " (default)" : ""),
                    availability(version), version.availability().detail());
        }
        table.print(out, "  ");
        for (VersionInfo version : info.versions()) {
            if (!version.backupLimit().isEmpty()) {
                out.println("  backups of " + version.version() + ": " + version.backupLimit());
            }
        }
    }

    /** The variant's name, marked when it is the default. */
    static String variantName(Variant variant, String defaultVariant) {
        return variant.name().equals(defaultVariant) ? variant.name() + " (default)" : variant.name();
    }

    /** How a version can be had, as people read it. */
    static String availability(VersionInfo version) {
        switch (version.availability().state()) {
            case DOWNLOADABLE:
                return "will be fetched";
            default:
                return version.availability().state().label();
        }
    }
}
