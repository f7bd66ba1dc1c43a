package dev.addons.testkit;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.core.AppFile;
import dev.addons.core.Addons;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * What a second JVM does on an addons home, for tests of several processes and of crashes (see
 * {@link OtherJvm}), in {@code production}, on the process runtime unless {@code --runtime=NAME}
 * follows the home: {@code HOME list APP}, {@code HOME create APP ADDON:VARIANT VERSION},
 * {@code HOME destroy APP ADDON}, {@code HOME deploy APPFILE}, {@code HOME backup APP ADDON},
 * {@code HOME restore APP ADDON ARCHIVE} (forced), {@code HOME migrate APP ADDON VARIANT},
 * {@code HOME stop APP ADDON}, {@code HOME start APP ADDON} and {@code HOME up} (every addon of
 * the home). Then prints one line per addon of the app (of the home, for {@code up}) as
 * {@code addon status variant id}. {@code HOME race ...} is {@link Race}'s rounds instead, started
 * with a line on standard input. With the system property {@value #ON_GO}, it opens the home,
 * prints {@value #READY} and waits for a line on standard input before its command
 * ({@link OtherJvm#together}).
 */
public final class HomeCommand {
    /** The system property that makes the command wait for a line on standard input. */
    static final String ON_GO = "addons.test.onGo";
    /** The line printed once the home is open, when waiting to go. */
    static final String READY = "ready";
    private static final String RUNTIME = "--runtime=";

    private HomeCommand() {
    }

    public static void main(String[] arguments) throws IOException {
        Path home = Path.of(arguments[0]);
        // Explicitly process by default: auto would choose the container runtime wherever a Docker API answers.
        String runtime = "process";
        String[] args = arguments;
        if (arguments.length > 1 && arguments[1].startsWith(RUNTIME)) {
            runtime = arguments[1].substring(RUNTIME.length());
            args = new String[arguments.length - 1];
            args[0] = arguments[0];
            System.arraycopy(arguments, 2, args, 1, arguments.length - 2);
        }
        String command = args[1];
        try (Addons addons = Addons.builder().home(home).runtime(runtime).automaticBackups(false).build()) {
            if (command.equals("race")) {
                Race.main(addons, args);
                return;
            }
            if (Boolean.getBoolean(ON_GO)) {
                System.out.println(READY);
                System.out.flush();
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            }
            String app = args.length > 2 ? args[2] : null;
            switch (command) {
                case "list" -> { }
                case "create" -> addons.app(app, "production").create(AddonSpec.parse(args[3]).withVersion(args[4]));
                case "destroy" -> addons.app(app, "production").destroy(args[3]);
                case "deploy" -> {
                    AppFile file = AppFile.read(Path.of(app));
                    addons.deploy(file, "production");
                    app = file.name();
                }
                case "backup" -> addons.app(app, "production").backup(args[3]);
                case "restore" -> addons.app(app, "production").restore(args[3], Path.of(args[4]), true);
                case "migrate" -> addons.app(app, "production").migrate(args[3], args[4]);
                case "stop" -> addons.app(app, "production").stop(args[3]);
                case "start" -> addons.app(app, "production").start(args[3]);
                case "up" -> addons.up(null, null, true);
                default -> throw new IllegalArgumentException("unknown command: " + command);
            }
            for (AddonRecord record : app == null ? addons.listAll() : addons.app(app, "production").list()) {
                System.out.println(record.addon() + " " + record.status() + " " + record.variant() + " " + record.id());
            }
        }
    }
}
