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
 * still uses where it keeps no templates. A recipe with a template must say how to {@link Rekey}
 * a started server (give its admin another password): a copy's admin has the template's password
 * until then. A recipe that can be re-keyed may also be kept warm: the runtime starts servers of
 * it ahead, each with a password of its own, and a new server is one of them re-keyed.
 *
 * <p>Made with {@link #builder(BinaryDistribution, Launcher)}, e.g.
 * {@code ProcessRecipe.builder(binaries, launcher).initializer(init).stopSignal(StopSignal.INT)
 * .stopTimeout(Duration.ofSeconds(30)).build()}.
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
 *                     ({@code @since 0.1}). On {@code KILL} or {@code QUIT}, signals an engine
 *                     ends on without writing its data any more, the runtime deletes the data
 *                     while the engine exits, the rest once it has gone
 * @param template     how new servers may start from a copy of an initialized template, or
 *                     {@code null} when each needs its own initialization ({@code @since 0.2})
 * @param helperPorts  those of {@code extraPorts} that a helper may serve from outside the
 *                     engine's own process tree (e.g. an Erlang node's {@code epmd}, which other
 *                     nodes may share); the runtime only checks that something listens on them.
 *                     Every other port, the main one included, must be listened on by the
 *                     engine's processes alone before a readiness check (which may carry the
 *                     admin's password) is sent. Empty for most engines ({@code @since 0.3})
 * @param rekey        gives a started server's admin another password, or {@code null} when the
 *                     engine cannot change it while it runs; required with a {@code template}
 *                     ({@code @since 0.4})
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
        List<String> helperPorts,
        Rekey rekey) {

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
                    + " engine finish writing it; KILL is only a destroySignal. Allowed: TERM, INT, QUIT");
        }
        if (template != null && rekey == null) {
            throw new IllegalArgumentException("a recipe with a template needs a rekey: a server started on a copy"
                    + " must get its own admin password in place of the template's");
        }
    }

    /**
     * A builder of a recipe that runs {@code binaries} with {@code launcher}'s command; the stop
     * signal and timeout must be set, everything else has a default (see {@link Builder}).
     *
     * @since 0.3
     */
    public static Builder builder(BinaryDistribution binaries, Launcher launcher) {
        return new Builder(binaries, launcher);
    }

    /**
     * A builder holding this recipe's values, to make a recipe that differs in some of them.
     *
     * @since 0.3
     */
    public Builder toBuilder() {
        Builder builder = new Builder(binaries, launcher).initializer(initializer).stopSignal(stopSignal)
                .stopTimeout(stopTimeout).extraPorts(extraPorts.toArray(String[]::new)).alternatives(alternatives)
                .destroySignal(destroySignal).helperPorts(helperPorts.toArray(String[]::new));
        builder.template = template;
        builder.rekey = rekey;
        return builder;
    }

    /**
     * How a started server's admin gets another password; empty when it cannot while the server
     * runs (then no server of this recipe is kept warm).
     *
     * @since 0.4
     */
    public java.util.Optional<Rekey> rekeyIfAny() {
        return java.util.Optional.ofNullable(rekey);
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

    /**
     * Builds a {@link ProcessRecipe}. Each setter checks its value at once and replaces what was
     * set before; {@link #build()} checks that the stop signal and timeout are set and the rules
     * between fields (helper ports among the extra ports). Defaults: {@link Initializer#NONE}, no
     * extra ports, no alternatives, destroyed with the stop signal, no template. Not thread-safe.
     *
     * @since 0.3
     */
    public static final class Builder {
        private final BinaryDistribution binaries;
        private Launcher launcher;
        private Initializer initializer = Initializer.NONE;
        private StopSignal stopSignal;
        private Duration stopTimeout;
        private List<String> extraPorts = List.of();
        private List<BinaryDistribution> alternatives = List.of();
        private StopSignal destroySignal;
        private DataTemplate template;
        private List<String> helperPorts = List.of();
        private Rekey rekey;

        private Builder(BinaryDistribution binaries, Launcher launcher) {
            this.binaries = Objects.requireNonNull(binaries, "binaries == null");
            this.launcher = Objects.requireNonNull(launcher, "launcher == null");
        }

        /** The command that runs the server in the foreground, replacing the one given before. */
        public Builder launcher(Launcher launcher) {
            this.launcher = Objects.requireNonNull(launcher, "launcher == null");
            return this;
        }

        /** Prepares each new data directory (e.g. runs {@code initdb}); default: nothing to prepare. */
        public Builder initializer(Initializer initializer) {
            this.initializer = Objects.requireNonNull(initializer, "initializer == null");
            return this;
        }

        /** The signal that stops the server cleanly, keeping its data: TERM, INT or QUIT. Required. */
        public Builder stopSignal(StopSignal stopSignal) {
            Objects.requireNonNull(stopSignal, "stopSignal == null");
            if (stopSignal == StopSignal.KILL) {
                throw new IllegalArgumentException("stopSignal cannot be KILL: a stop keeps the data, so it must let"
                        + " the engine finish writing it; KILL is only a destroySignal. Allowed: TERM, INT, QUIT");
            }
            this.stopSignal = stopSignal;
            return this;
        }

        /** How long to wait after the stop (or destroy) signal before killing the server. Required, positive. */
        public Builder stopTimeout(Duration stopTimeout) {
            Objects.requireNonNull(stopTimeout, "stopTimeout == null");
            if (stopTimeout.isNegative() || stopTimeout.isZero()) {
                throw new IllegalArgumentException("stopTimeout must be positive: " + stopTimeout);
            }
            this.stopTimeout = stopTimeout;
            return this;
        }

        /** Names of further loopback ports the server needs (see {@link ProcessRecipe#extraPorts()}). */
        public Builder extraPorts(String... names) {
            this.extraPorts = List.of(names);
            return this;
        }

        /** Other sets of binaries that serve the same version, in order of preference. */
        public Builder alternatives(List<BinaryDistribution> alternatives) {
            this.alternatives = List.copyOf(Objects.requireNonNull(alternatives, "alternatives == null"));
            return this;
        }

        /**
         * The signal that stops the server when it is destroyed (see
         * {@link ProcessRecipe#destroySignal()}); default: the stop signal.
         */
        public Builder destroySignal(StopSignal destroySignal) {
            this.destroySignal = Objects.requireNonNull(destroySignal, "destroySignal == null");
            return this;
        }

        /** How new servers may start from a copy of an initialized template; default: none. */
        public Builder template(DataTemplate template) {
            this.template = Objects.requireNonNull(template, "template == null");
            return this;
        }

        /**
         * How a started server's admin gets another password (see {@link Rekey}); default: none,
         * required with a template.
         */
        public Builder rekey(Rekey rekey) {
            this.rekey = Objects.requireNonNull(rekey, "rekey == null");
            return this;
        }

        /** Those of the extra ports a helper may serve (see {@link ProcessRecipe#helperPorts()}). */
        public Builder helperPorts(String... names) {
            this.helperPorts = List.of(names);
            return this;
        }

        /**
         * The recipe; throws {@link IllegalStateException} naming a required field not set, and
         * {@link IllegalArgumentException} naming what breaks a rule between fields.
         */
        public ProcessRecipe build() {
            if (stopSignal == null) {
                throw new IllegalStateException("stopSignal is not set. Allowed: TERM, INT, QUIT");
            }
            if (stopTimeout == null) {
                throw new IllegalStateException("stopTimeout is not set: how long to wait after the stop signal");
            }
            return new ProcessRecipe(binaries, initializer, launcher, stopSignal, stopTimeout, extraPorts,
                    alternatives, destroySignal != null ? destroySignal : stopSignal, template, helperPorts, rekey);
        }
    }

    /** Prepares a new, empty data directory. */
    @FunctionalInterface
    public interface Initializer {
        /** Nothing to prepare. */
        Initializer NONE = context -> { };

        void initialize(ProcessContext context) throws IOException, InterruptedException;
    }

    /**
     * Gives a started server's admin another password. The runtime calls it once on a server
     * started on a copy of the recipe's template (whose admin has the template's password) right
     * after its first readiness check, and once on a warm server (started ahead with a password of
     * its own) when it becomes a new server; either way before the server is handed out, and the
     * server is deleted when it throws.
     *
     * @since 0.4
     */
    @FunctionalInterface
    public interface Rekey {
        /**
         * Changes the password of every admin account of the server {@code current} reaches (as
         * the admin, with the password it has now) to {@code adminPassword}, so that the old one
         * no longer logs in, and keeps the new one wherever the server reads it at its next start
         * ({@code context} is the server's, as its launcher saw it). Must throw when it cannot,
         * and never log or put either password in an exception message.
         */
        void rekey(ProcessContext context, ServerAccess current, String adminPassword) throws Exception;

        /**
         * Called as a server on a copy of the template is launched, before it is ready, with the
         * password {@link #rekey} will give its admin: begins, off the caller's thread, what
         * {@code rekey} can do ahead of the server (hashing the password, say), so that the wait
         * for the server covers it. Must return at once and must not fail the start; {@code rekey}
         * must work whether or not this was called. Default: nothing.
         *
         * @since 0.4
         */
        default void prepare(String adminPassword) {
        }
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
