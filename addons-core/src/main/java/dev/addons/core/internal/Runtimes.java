package dev.addons.core.internal;

import dev.addons.api.InvalidSpecException;
import dev.addons.core.internal.process.ProcessRuntime;
import dev.addons.core.runtime.ServerRuntime;
import java.nio.file.Path;
import java.util.List;

/** Makes the runtime named in a builder, an app file or on the command line. */
public final class Runtimes {
    /** The runtimes this build offers, for messages. */
    public static final List<String> NAMES = List.of("process");

    private Runtimes() {
    }

    /**
     * The runtime called {@code name}; {@code auto} (or {@code null}) picks one: {@code process}
     * until the container runtime exists.
     */
    public static ServerRuntime create(String name, Path home) {
        String chosen = name == null || name.equals("auto") ? "process" : name;
        if (chosen.equals("process")) {
            return new ProcessRuntime(home);
        }
        throw new InvalidSpecException("runtime '" + Names.printable(chosen) + "' is not available. Allowed: "
                + NAMES + " or auto");
    }
}
