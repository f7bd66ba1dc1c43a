package dev.addons.testkit;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.core.AppFile;
import dev.addons.core.Addons;
import java.nio.file.Path;

/**
 * What a second JVM does on an addons home, for tests of several processes and of crashes (see
 * {@link OtherJvm}), always on the process runtime and in {@code production}:
 * {@code HOME list APP}, {@code HOME create APP ADDON:VARIANT VERSION},
 * {@code HOME destroy APP ADDON}, {@code HOME deploy APPFILE}, {@code HOME backup APP ADDON} and
 * {@code HOME restore APP ADDON ARCHIVE} (forced). Then prints one line per addon of the app as
 * {@code addon status variant id}. {@code HOME race ...} is {@link Race}'s rounds instead, started
 * with a line on standard input.
 */
public final class HomeCommand {
    private HomeCommand() {
    }

    public static void main(String[] args) {
        Path home = Path.of(args[0]);
        String command = args[1];
        // Explicitly process: auto would choose the container runtime wherever a Docker API answers.
        try (Addons addons = Addons.builder().home(home).runtime("process").automaticBackups(false).build()) {
            if (command.equals("race")) {
                Race.main(addons, args);
                return;
            }
            String app = args[2];
            switch (command) {
                case "list" -> { }
                case "create" -> addons.create(app, "production", AddonSpec.parse(args[3]).withVersion(args[4]));
                case "destroy" -> addons.destroy(app, "production", args[3]);
                case "deploy" -> {
                    AppFile file = AppFile.read(Path.of(app));
                    addons.deploy(file, "production");
                    app = file.name();
                }
                case "backup" -> addons.backup(app, "production", args[3]);
                case "restore" -> addons.restore(app, "production", args[3], Path.of(args[4]), true);
                default -> throw new IllegalArgumentException("unknown command: " + command);
            }
            for (AddonRecord record : addons.list(app, "production")) {
                System.out.println(record.addon() + " " + record.status() + " " + record.variant() + " " + record.id());
            }
        }
    }
}
