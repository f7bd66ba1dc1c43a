package dev.addons.container;

import dev.addons.core.runtime.Placement;
import dev.addons.core.runtime.ProgressListener;
import dev.addons.core.runtime.RunningServer;
import java.nio.file.Path;

/**
 * Run as its own JVM by a test: starts PostgreSQL from the test image under the container
 * runtime, prints the {@link RunningServer} as {@code key=value} lines and exits, leaving the
 * container running.
 */
public final class StartInAnotherJvm {
    private StartInAnotherJvm() {
    }

    /** Arguments: the addons home, the server id. */
    public static void main(String[] args) {
        try (ContainerRuntime runtime = new ContainerRuntime(Path.of(args[0]), TestImages.docker())) {
            RunningServer server = runtime.start(args[1], TestImages.postgres(TestImages.POSTGRES),
                    Placement.shared("postgresql"), ProgressListener.NONE);
            RunningServerLines.print(server);
        }
        System.exit(0);
    }
}
