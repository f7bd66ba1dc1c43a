package dev.addons.core.internal;

import dev.addons.api.AddonException;
import dev.addons.core.runtime.RuntimeContext;
import dev.addons.core.runtime.RuntimeFactory;
import dev.addons.core.runtime.RuntimeProbe;
import dev.addons.core.runtime.ServerRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtimes of one addons home, by name: the one new servers start on (asked for by name, or
 * chosen by {@code auto}, with the reason), and any other made on first use, so that a server is
 * always checked, restarted and destroyed by the runtime that started it. Runtimes are made by the
 * {@link RuntimeFactory factories} on addons-core's class path, so a module such as
 * addons-container or addons-kubernetes adds one by being there.
 *
 * <p>{@code auto} takes the runtime of highest {@linkplain RuntimeFactory#priority() priority}
 * whose {@linkplain RuntimeFactory#probe probe} finds it available: the container runtime when
 * addons-container is on the class path and a Docker-API endpoint answers, else the process
 * runtime. It chooses on the first call of {@link #chosen()}, when a new server may start, not
 * when the home is opened: reading, checking and removing what exists never probes. Thread-safe;
 * {@link #close()} closes every runtime made.
 */
public final class Runtimes implements AutoCloseable {
    /** The name that asks for a choice. */
    public static final String AUTO = "auto";

    private static final Logger LOG = LoggerFactory.getLogger(Runtimes.class);

    private final RuntimeContext context;
    private final Path home;
    private final Map<String, ServerRuntime> made = new ConcurrentHashMap<>();
    private volatile Choice choice;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Runtimes(RuntimeContext context, String requested, ServerRuntime custom) {
        this.context = context;
        this.home = context.home();
        if (custom != null) {
            made.put(custom.name(), custom);
            chose(new Choice(custom, "a runtime instance given to the builder"));
        } else if (requested != null && !requested.equals(AUTO)) {
            // Made at once: a runtime asked for by name that cannot be had fails the opening.
            chose(new Choice(get(check(requested)), "asked for by name"));
        }
    }

    /**
     * The runtimes of {@code home}: new servers start on {@code custom} when given, else on the
     * runtime named {@code requested} (one of {@link #names()}, or {@code auto}/null).
     */
    public static Runtimes open(Path home, Path cache, String requested, ServerRuntime custom) {
        return open(new RuntimeContext(home, cache, Map.of()), requested, custom);
    }

    /** {@link #open(Path, Path, String, ServerRuntime)} with the runtime settings of {@code context}. */
    public static Runtimes open(RuntimeContext context, String requested, ServerRuntime custom) {
        return new Runtimes(context, requested, custom);
    }

    /** The runtimes on the class path, by name: {@code process}, {@code container}, then others'. */
    public static List<String> names() {
        return factories().names();
    }

    /** Checks a runtime name: one of {@link #names()}, or {@code auto}; returns it. */
    public static String check(String name) {
        if (!name.equals(AUTO)) {
            factories().require(name);
        }
        return name;
    }

    private static RuntimeFactories factories() {
        return RuntimeFactories.of(Runtimes.class.getClassLoader());
    }

    /** The runtime new servers start on; {@code auto} chooses it on the first call. */
    public ServerRuntime chosen() {
        return choice().runtime;
    }

    /** Why {@link #chosen()} was chosen, e.g. {@code auto: a Docker API answered at ...}; chooses as {@link #chosen()} does. */
    public String reason() {
        return choice().reason;
    }

    /**
     * The runtime called {@code name}, made on first use; {@code auto} is {@link #chosen()}.
     * Throws {@link AddonException} when it cannot be made (no Docker-API endpoint for
     * {@code container}).
     */
    public ServerRuntime get(String name) {
        requireOpen();
        if (name.equals(AUTO)) {
            return chosen();
        }
        ServerRuntime runtime = made.get(check(name));
        if (runtime != null) {
            return runtime;
        }
        synchronized (made) {
            return made.computeIfAbsent(name, this::make);
        }
    }

    private ServerRuntime make(String name) {
        return factories().require(name).create(context);
    }

    private Choice choice() {
        Choice known = choice;
        if (known != null) {
            return known;
        }
        synchronized (made) {
            requireOpen();
            if (choice == null) {
                chose(choose());
            }
            return choice;
        }
    }

    private void chose(Choice chosen) {
        choice = chosen;
        // One line, also when a runtime was passed over: its probe's reason is in it, without a trace.
        LOG.info("{} - New servers run on the {} runtime: {}", home, chosen.runtime.name(), chosen.reason);
    }

    /** Tries the runtimes {@code auto} may take, highest priority first; called holding {@code made}'s lock. */
    private Choice choose() {
        List<RuntimeFactory> candidates = factories().forAuto();
        List<String> passedOver = new ArrayList<>();
        for (RuntimeFactory factory : candidates) {
            ServerRuntime inUse = made.get(factory.name());
            if (inUse != null) {
                return new Choice(inUse, "auto: " + reason(passedOver, "the " + inUse.name() + " runtime is in use here"));
            }
            RuntimeProbe probe = factory.probe(context);
            Optional<ServerRuntime> runtime = probe.runtime();
            if (runtime.isPresent()) {
                made.put(factory.name(), runtime.get());
                String found = candidates.size() == 1 ? factory.name() + " is the only runtime on the class path that"
                        + " auto chooses (dev.addons:addons-container adds the container runtime)" : probe.reason();
                return new Choice(runtime.get(), "auto: " + reason(passedOver, found));
            }
            LOG.debug("{} - auto passes over the {} runtime: {}", home, factory.name(), probe.reason());
            passedOver.add(probe.reason());
        }
        throw new AddonException("No runtime auto chooses is available here (" + String.join("; ", passedOver)
                + "). Runtimes on the class path: " + names());
    }

    /** Why the runtimes passed over were, when there were any (what matters), else what the chosen one found. */
    private static String reason(List<String> passedOver, String found) {
        return passedOver.isEmpty() ? found : String.join("; ", passedOver);
    }

    /** The runtimes made so far (those in use by this instance). */
    public java.util.Collection<ServerRuntime> made() {
        return List.copyOf(made.values());
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the runtimes of " + home + " are closed");
        }
    }

    /** Closes every runtime made; servers keep running. Idempotent. */
    @Override
    public void close() {
        if (!closed.getAndSet(true)) {
            synchronized (made) {
                made.values().forEach(ServerRuntime::close);
            }
        }
    }

    private record Choice(ServerRuntime runtime, String reason) {
    }
}
