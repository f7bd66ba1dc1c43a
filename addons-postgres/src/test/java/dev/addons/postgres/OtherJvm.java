package dev.addons.postgres;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.core.Addons;
import java.nio.file.Path;

/**
 * A second JVM for {@link PostgresEndToEndTest}, on the same addons home:
 * {@code HOME list APP}, {@code HOME destroy APP ADDON} or {@code HOME create APP ADDON:VARIANT VERSION}.
 * Prints one line per addon of the app as {@code addon status variant id}.
 */
public final class OtherJvm {
    private OtherJvm() {
    }

    public static void main(String[] args) {
        Path home = Path.of(args[0]);
        String command = args[1];
        String app = args[2];
        // Explicitly process: auto would choose the container runtime wherever a Docker API answers.
        try (Addons addons = Addons.builder().home(home).runtime("process").build()) {
            if (command.equals("destroy")) {
                addons.destroy(app, "production", args[3]);
            } else if (command.equals("create")) {
                addons.create(app, "production", AddonSpec.parse(args[3]).withVersion(args[4]));
            }
            for (AddonRecord record : addons.list(app, "production")) {
                System.out.println(record.addon() + " " + record.status() + " " + record.variant() + " " + record.id());
            }
        }
    }
}
