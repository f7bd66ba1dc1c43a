package dev.addons.postgres;

import dev.addons.api.AddonRecord;
import dev.addons.core.Addons;
import java.nio.file.Path;

/**
 * A second JVM for {@link PostgresEndToEndTest}: lists an app's addons in a home, or destroys
 * one, and prints one line per addon as {@code addon status variant}.
 */
public final class OtherJvm {
    private OtherJvm() {
    }

    public static void main(String[] args) {
        Path home = Path.of(args[0]);
        String command = args[1];
        String app = args[2];
        try (Addons addons = Addons.builder().home(home).build()) {
            if (command.equals("destroy")) {
                addons.destroy(app, "production", args[3]);
            }
            for (AddonRecord record : addons.list(app, "production")) {
                System.out.println(record.addon() + " " + record.status() + " " + record.variant());
            }
        }
    }
}
