package dev.addons.api.spi;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How to run a server from engine binaries on this host. The process runtime finds the
 * binaries, creates an empty data directory, calls {@link #initializer()} once for it, then starts
 * {@link #launcher()}'s command in the foreground (the runtime detaches it so that it outlives
 * the JVM) and stops it with {@link #stopSignal()} (to restart it, or to replace a data file), or
 * with {@link #destroySignal()} when it is destroyed together with its directories.
 *
 * <p>Some engines can be served by more than one set of binaries, e.g. Valkey 7 by
 * {@code valkey-server} 7 or by {@code redis-server} 7. Such a recipe lists the preferred set as
 * {@code binaries} and the others as {@code alternatives}: the runtime takes the first of them the
 * host has, else the first it has cached, else the first it can download, and tells the
 * initializer and launcher which one through {@link ProcessContext#distribution()}.
 *
 * <p>A recipe may also offer a {@link DataTemplate}: the runtime then initializes a template once
 * and starts each new server on a copy of it instead of calling {@link #initializer()}, which it
 * still uses where it keeps no templates.
 *
 * @param binaries     where the binaries come from (the preferred set)
 * @param initializer  prepares a fresh data directory (e.g. runs {@code initdb}); runs once
 * @param launcher     the command that runs the server in the foreground
 * @param stopSignal   the signal that stops the server cleanly and quickly, keeping its data; never
 *                     {@link StopSignal#KILL}
 * @param stopTimeout  how long to wait after that signal (or {@code destroySignal}) before killing it
 * @param extraPorts   names of further loopback ports the server needs besides its main one (e.g.
 *                     {@code dist} and {@code epmd} for an Erlang node, {@code management} for an
 *                     HTTP API); the runtime picks a free port for each, see
 *                     {@link ProcessContext#endpoint(String)} and {@link ServerAccess#endpoint(String)}
 * @param alternatives other sets of binaries that serve the same version, in order of preference;
 *                     may be empty ({@code @since 0.1})
 * @param destroySignal the signal that stops the server when it is destroyed, its directories deleted
 *                     right after: {@code stopSignal} unless the engine keeps nothing outside its
 *                     directories, in which case {@link StopSignal#KILL} is as correct and faster
 *                     ({@code @since 0.1})
 * @param template     how new servers may start from a copy of an initialized template, or
 *                     {@code null} when each needs its own initialization ({@code @since 0.2})
 * @param helperPorts  those of {@code extraPorts} that a helper may serve from outside the
 *                     engine's own process tree (e.g. an Erlang node's {@code epmd}, which other
 *                     nodes may share); the runtime only checks that something listens on them.
 *                     Every other port, the main one included, must be listened on by the
 *                     engine's processes alone before a readiness check (which may carry the
 *                     admin's password) is sent. Empty for most engines ({@code @since 0.3})
 */
public record ProcessRecipe(
        BinaryDistribution binaries,
        Initializer initializer,
        Launcher launcher,
        StopSignal stopSignal,
        Duration stopTimeout,
        List<String> extraPorts,
        List<BinaryDistribution> alternatives,
        StopSignal destroySignal,
        DataTemplate template,
        List<String> helperPorts) {

    public ProcessRecipe {
        Objects.requireNonNull(binaries, "binaries == null");
        Objects.requireNonNull(initializer, "initializer == null");
        Objects.requireNonNull(launcher, "launcher == null");
        Objects.requireNonNull(stopSignal, "stopSignal == null");
        Objects.requireNonNull(stopTimeout, "stopTimeout == null");
        extraPorts = List.copyOf(extraPorts);
        for (String name : extraPorts) {
            if (!name.matches("[a-z][a-z0-9-]{0,30}")) {
                throw new IllegalArgumentException("port name must match [a-z][a-z0-9-]{0,30}: " + name);
            }
        }
        if (extraPorts.size() != new java.util.HashSet<>(extraPorts).size()) {
            throw new IllegalArgumentException("duplicate port names: " + extraPorts);
        }
        alternatives = List.copyOf(alternatives);
        Objects.requireNonNull(destroySignal, "destroySignal == null");
        helperPorts = List.copyOf(Objects.requireNonNull(helperPorts, "helperPorts == null"));
        for (String name : helperPorts) {
            if (!extraPorts.contains(name)) {
                throw new IllegalArgumentException("helperPorts names '" + name + "', which is not one of extraPorts."
                        + " Allowed: " + extraPorts);
            }
        }
        if (helperPorts.size() != new java.util.HashSet<>(helperPorts).size()) {
            throw new IllegalArgumentException("duplicate helper port names: " + helperPorts);
        }
        if (stopSignal == StopSignal.KILL) {
            throw new IllegalArgumentException("stopSignal cannot be KILL: a stop keeps the data, so it must let the"
                    + " engine finish writing it; KILL is only a destroySignal");
        }
    }

    /**
     * A recipe stopped with {@code stopSignal} also when it is destroyed.
     *
     * @since 0.1
     */
    public ProcessRecipe(BinaryDistribution binaries, Initializer initializer, Launcher launcher,
            StopSignal stopSignal, Duration stopTimeout, List<String> extraPorts, List<BinaryDistribution> alternatives) {
        this(binaries, initializer, launcher, stopSignal, stopTimeout, extraPorts, alternatives, stopSignal);
    }

    /**
     * A recipe with no template.
     *
     * @since 0.1
     */
    public ProcessRecipe(BinaryDistribution binaries, Initializer initializer, Launcher launcher,
            StopSignal stopSignal, Duration stopTimeout, List<String> extraPorts, List<BinaryDistribution> alternatives,
            StopSignal destroySignal) {
        this(binaries, initializer, launcher, stopSignal, stopTimeout, extraPorts, alternatives, destroySignal, null);
    }

    /**
     * A recipe whose every port is served by the engine's own processes.
     *
     * @since 0.2
     */
    public ProcessRecipe(BinaryDistribution binaries, Initializer initializer, Launcher launcher,
            StopSignal stopSignal, Duration stopTimeout, List<String> extraPorts, List<BinaryDistribution> alternatives,
            StopSignal destroySignal, DataTemplate template) {
        this(binaries, initializer, launcher, stopSignal, stopTimeout, extraPorts, alternatives, destroySignal, template,
                List.of());
    }

    /** A recipe served by one set of binaries. */
    public ProcessRecipe(BinaryDistribution binaries, Initializer initializer, Launcher launcher,
            StopSignal stopSignal, Duration stopTimeout, List<String> extraPorts) {
        this(binaries, initializer, launcher, stopSignal, stopTimeout, extraPorts, List.of());
    }

    /** A recipe for a server with one port, served by one set of binaries. */
    public ProcessRecipe(BinaryDistribution binaries, Initializer initializer, Launcher launcher,
            StopSignal stopSignal, Duration stopTimeout) {
        this(binaries, initializer, launcher, stopSignal, stopTimeout, List.of());
    }

    /**
     * This recipe, also served by {@code alternatives} where the host lacks {@link #binaries()}.
     *
     * @since 0.1
     */
    public ProcessRecipe withAlternatives(List<BinaryDistribution> alternatives) {
        return new ProcessRecipe(binaries, initializer, launcher, stopSignal, stopTimeout, extraPorts, alternatives,
                destroySignal, template, helperPorts);
    }

    /**
     * This recipe, whose new servers may start from a copy of {@code template}'s data directory.
     *
     * @since 0.2
     */
    public ProcessRecipe withTemplate(DataTemplate template) {
        return new ProcessRecipe(binaries, initializer, launcher, stopSignal, stopTimeout, extraPorts, alternatives,
                destroySignal, java.util.Objects.requireNonNull(template, "template == null"), helperPorts);
    }

    /**
     * The template new servers may start from; empty when each needs its own initialization.
     *
     * @since 0.2
     */
    public java.util.Optional<DataTemplate> templateIfAny() {
        return java.util.Optional.ofNullable(template);
    }

    /**
     * This recipe, stopped with {@code destroySignal} when its server is destroyed. Meant for
     * {@link StopSignal#KILL} where the engine keeps nothing outside its directories (no shared
     * memory segment, no socket or lock file elsewhere, no process outside its session), so that
     * nothing a graceful stop would tidy outlives the deletion of those directories.
     *
     * @since 0.1
     */
    public ProcessRecipe withDestroySignal(StopSignal destroySignal) {
        return new ProcessRecipe(binaries, initializer, launcher, stopSignal, stopTimeout, extraPorts, alternatives,
                destroySignal, template, helperPorts);
    }

    /**
     * This recipe, whose extra ports {@code helperPorts} may be served by a helper outside the
     * engine's own process tree (see {@link #helperPorts()}); replaces any named before.
     *
     * @throws IllegalArgumentException when one of them is not among {@link #extraPorts()}
     * @since 0.3
     */
    public ProcessRecipe withHelperPorts(List<String> helperPorts) {
        return new ProcessRecipe(binaries, initializer, launcher, stopSignal, stopTimeout, extraPorts, alternatives,
                destroySignal, template, helperPorts);
    }

    /**
     * {@link #binaries()} followed by {@link #alternatives()}: every set of binaries that serves
     * this recipe, in order of preference.
     *
     * @since 0.1
     */
    public List<BinaryDistribution> candidates() {
        List<BinaryDistribution> all = new ArrayList<>(1 + alternatives.size());
        all.add(binaries);
        all.addAll(alternatives);
        return List.copyOf(all);
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
        TERM, INT, QUIT,
        /**
         * SIGKILL to the server and every process in its session, with no grace: only as a
         * {@link #destroySignal()}, for an engine whose data is deleted right after and that
         * keeps nothing outside its directories.
         *
         * @since 0.1
         */
        KILL
    }
}
