package dev.addons.cli;

import dev.addons.api.Variant;
import dev.addons.core.Addons;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code addons variants NAME}: the ways an addon can run. */
@Command(name = "variants", description = "List the variants of an addon (small: a dedicated server,"
        + " shared: a database of its own on a shared server).")
final class VariantsCommand extends AddonsCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The addon, e.g. postgresql.")
    String addon;

    @Override
    public Integer call() {
        PrintWriter out = out();
        List<Variant> variants;
        String defaultVariant;
        try (Addons addons = open()) {
            variants = addons.variants(addon);
            defaultVariant = addons.defaultVariant(addon);
        }
        if (main.json()) {
            Json.print(out, variants.stream().map(v -> Json.variant(v, defaultVariant)).toList());
            return 0;
        }
        TextTable table = new TextTable("VARIANT", "DESCRIPTION");
        for (Variant variant : variants) {
            table.row(ListAvailableCommand.variantName(variant, defaultVariant), variant.description());
        }
        table.print(out, "");
        return 0;
    }
}
