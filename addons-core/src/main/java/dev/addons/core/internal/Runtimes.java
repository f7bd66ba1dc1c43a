package dev.addons.core.internal;

import dev.addons.api.AddonException;
import dev.addons.core.internal.container.ContainerRuntime;
import dev.addons.core.internal.container.DockerApi;
import dev.addons.core.internal.process.ProcessRuntime;
import dev.addons.core.runtime.RuntimeContext;
import dev.addons.core.runtime.ServerRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtimes of one addons home, by name: the one new servers start on (asked for by name, or
 * chosen by {@code auto}, with the reason), and any other made on first use, so that a server is
 * always checked, restarted and destroyed by the runtime that started it. {@code auto} picks the
 * container runtime when a Docker-API endpoint answers within a few seconds, else the process
 * runtime. Runtimes are made by the {@link dev.addons.core.runtime.RuntimeFactory factories} on
 * addons-core's class path, so a module such as addons-kubernetes adds one by being there.
 * Thread-safe; {@link #close()} closes every runtime made.
 */
public final class Runtimes implements AutoCloseable {
    /** The name that asks for a choice. */
    public static final String AUTO = "auto";

    private static final Logger LOG = LoggerFactory.getLogger(Runtimes.class);
    private static final Duration AUTO_PROBE_TIMEOUT = Duration.ofSeconds(3);

    private final RuntimeContext context;
    private final Path home;
    private final Map<String, ServerRuntime> made = new ConcurrentHashMap<>();
    private final ServerRuntime chosen;
    private final String reason;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Runtimes(RuntimeContext context, String requested, ServerRuntime custom) {
        this.context = context;
        this.home = context.home();
        if (custom != null) {
            made.put(custom.name(), custom);
            chosen = custom;
            reason = "a runtime instance given to the builder";
        } else if (requested == null || requested.equals(AUTO)) {
            Choice choice = choose();
            chosen = choice.runtime;
            reason = choice.reason;
        } else {
            chosen = get(check(requested));
            reason = "asked for by name";
        }
        LOG.info("{} - New servers run on the {} runtime: {}", home, chosen.name(), reason);
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

    /** The runtime new servers start on. */
    public ServerRuntime chosen() {
        return chosen;
    }

    /** Why {@link #chosen()} was chosen, e.g. {@code auto: a Docker API answered at ...}. */
    public String reason() {
        return reason;
    }

    /**
     * The runtime called {@code name}, made on first use; {@code auto} is {@link #chosen()}.
     * Throws {@link AddonException} when it cannot be made (no Docker-API endpoint for
     * {@code container}).
     */
    public ServerRuntime get(String name) {
        if (closed.get()) {
            throw new IllegalStateException("the runtimes of " + home + " are closed");
        }
        if (name.equals(AUTO)) {
            return chosen;
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

    private Choice choose() {
        try {
            DockerApi docker = DockerApi.connect(AUTO_PROBE_TIMEOUT);
            ServerRuntime container = new ContainerRuntime(home, docker);
            made.put(ContainerRuntime.NAME, container);
            return new Choice(container, "auto: a Docker API answered at " + docker.description());
        } catch (AddonException e) {
            LOG.debug("{} - No Docker API for the container runtime", home, e);
            return new Choice(get(ProcessRuntime.NAME), "auto: no Docker-API endpoint answered ("
                    + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    /** The runtimes made so far (those in use by this instance). */
    public java.util.Collection<ServerRuntime> made() {
        return List.copyOf(made.values());
    }

    /** Closes every runtime made; servers keep running. Idempotent. */
    @Override
    public void close() {
        if (!closed.getAndSet(true)) {
            made.values().forEach(ServerRuntime::close);
        }
    }

    private record Choice(ServerRuntime runtime, String reason) {
    }
}
