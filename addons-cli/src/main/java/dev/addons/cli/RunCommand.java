package dev.addons.cli;

import dev.addons.api.Credentials;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code addons run -a APP -- COMMAND...}: runs a command with the app's variables added to its
 * environment, on this terminal, and exits with the command's exit code (127 when it cannot be
 * started). The command also gets {@code ADDONS_APP} and {@code ADDONS_ENV}, never {@code ADDONS_HOME}.
 * With {@code --wait[=DURATION]} the command starts only once every addon of the app is active.
 */
@Command(name = "run", description = "Run a command with the app's variables added to its environment;"
        + " exits with the command's exit code.")
final class RunCommand extends AddonsCommand {
    /** The exit code when the command cannot be started, as shells use it. */
    static final int CANNOT_START = 127;

    @Mixin
    AppOptions target;

    @Mixin
    WaitOption waitOption;

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The command and its arguments.")
    List<String> command;

    @Override
    public Integer call() {
        Credentials credentials = variables(target, waitOption.duration());
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        Map<String, String> environment = builder.environment();
        environment.putAll(credentials.toMap());
        environment.put("ADDONS_APP", target.app);
        environment.put("ADDONS_ENV", target.environment());
        // The app gets its own values, never the home whose state holds every app's.
        environment.remove("ADDONS_HOME");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            err().println("addons: cannot run " + command.get(0) + ": "
                    + Failures.describe(e));
            return CANNOT_START;
        }
        return waitFor(process);
    }

    /** The command's exit code; stops it when this JVM is stopped or interrupted first. */
    private static int waitFor(Process process) {
        Thread stopper = new Thread(process::destroy, "addons-run-stopper");
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
            return 130;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running already and stops the command.
            }
        }
    }
}
