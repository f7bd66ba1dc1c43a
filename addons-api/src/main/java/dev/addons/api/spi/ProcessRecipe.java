package dev.addons.api.spi;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to run a server from engine binaries on this host. The process runtime finds the
 * binaries, creates an empty data directory, calls {@link #initializer()} once for it, then starts
 * {@link #launcher()}'s command in the foreground (the runtime detaches it so that it outlives
 * the JVM) and stops it with {@link #stopSignal()}.
 *
 * @param binaries    where the binaries come from
 * @param initializer prepares a fresh data directory (e.g. runs {@code initdb}); runs once
 * @param launcher    the command that runs the server in the foreground
 * @param stopSignal  the signal that stops the server cleanly and quickly
 * @param stopTimeout how long to wait after that signal before killing it
 */
public record ProcessRecipe(
        BinaryDistribution binaries,
        Initializer initializer,
        Launcher launcher,
        StopSignal stopSignal,
        Duration stopTimeout) {

    public ProcessRecipe {
        Objects.requireNonNull(binaries, "binaries == null");
        Objects.requireNonNull(initializer, "initializer == null");
        Objects.requireNonNull(launcher, "launcher == null");
        Objects.requireNonNull(stopSignal, "stopSignal == null");
        Objects.requireNonNull(stopTimeout, "stopTimeout == null");
    }

    /** Prepares a new, empty data directory. */
    @FunctionalInterface
    public interface Initializer {
        /** Nothing to prepare. */
        Initializer NONE = context -> { };

        void initialize(ProcessContext context) throws IOException, InterruptedException;
    }

    /** The command that runs the server in the foreground until it is signalled. */
    @FunctionalInterface
    public interface Launcher {
        List<String> command(ProcessContext context) throws IOException;
    }

    /** The signals a recipe may choose to stop its server with. */
    public enum StopSignal {
        TERM, INT, QUIT
    }
}
