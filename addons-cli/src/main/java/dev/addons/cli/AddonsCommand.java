package dev.addons.cli;

import dev.addons.api.Credentials;
import dev.addons.core.Addons;
import dev.addons.core.App;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** What every subcommand has: the global options, its output streams and the facade. */
abstract class AddonsCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** The variables of the app's addons; warns on stderr when there are none. */
    Credentials variables(AppOptions target) {
        return variables(target, Optional.empty());
    }

    /**
     * The variables of the app's addons, once they are all active when {@code wait} is given
     * (printing their status changes on stderr); warns on stderr when there are none.
     */
    Credentials variables(AppOptions target, Optional<Duration> wait) {
        Credentials credentials;
        try (Addons addons = open()) {
            App app = target.in(addons);
            if (wait.isPresent()) {
                app.awaitReady(wait.get(), new Watcher(err(), false));
            }
            credentials = app.env();
        }
        if (credentials.variables().isEmpty()) {
            err().println("addons: warning: " + target.app + " has no addons in " + target.environment());
        }
        return credentials;
    }

    /** The facade, printing status transitions on stderr. */
    Addons open() {
        return main.open(err());
    }

    /** The facade, printing status transitions on stdout unless {@code --json} keeps stdout for JSON. */
    Addons openShowingTransitions() {
        return main.open(main.json() ? err() : out());
    }
}
