package dev.addons.testkit.container;

import dev.addons.core.internal.Runtimes;
import java.nio.file.Path;

/** {@code HOME}: prints the runtime {@code auto} chooses for the home and why, on two lines. */
public final class ChooseRuntimeInAnotherJvm {
    private ChooseRuntimeInAnotherJvm() {
    }

    public static void main(String[] args) {
        Path home = Path.of(args[0]);
        try (Runtimes runtimes = Runtimes.open(home, home.resolve("cache"), Runtimes.AUTO, null)) {
            System.out.println(runtimes.chosen().name());
            System.out.println(runtimes.reason());
        }
    }
}
