package dev.addons.core.internal.process;

import dev.addons.core.internal.RunningServerLines;
import dev.addons.core.runtime.ProgressListener;
import dev.addons.core.runtime.RunningServer;
import java.nio.file.Path;

/**
 * Run as its own JVM by a test: starts PostgreSQL 15 under the process runtime, prints the
 * {@link RunningServer} as {@code key=value} lines and exits, leaving the server running.
 */
public final class StartInAnotherJvm {
    private StartInAnotherJvm() {
    }

    /** Arguments: the addons home, the server id. */
    public static void main(String[] args) {
        try (ProcessRuntime runtime = new ProcessRuntime(Path.of(args[0]))) {
            RunningServer server = runtime.start(args[1], TestPostgres.installed15(), ProgressListener.NONE);
            RunningServerLines.print(server);
        }
        System.exit(0);
    }
}
