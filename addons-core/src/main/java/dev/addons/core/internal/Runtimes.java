package dev.addons.core.internal;

import dev.addons.api.AddonException;
import dev.addons.api.InvalidSpecException;
import dev.addons.core.internal.container.ContainerRuntime;
import dev.addons.core.internal.container.DockerApi;
import dev.addons.core.internal.process.ProcessRuntime;
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
 * runtime. Thread-safe; {@link #close()} closes every runtime made.
 */
public final class Runtimes implements AutoCloseable {
    /** The runtimes this build offers, for messages. */
    public static final List<String> NAMES = List.of(ProcessRuntime.NAME, ContainerRuntime.NAME);
    /** The name that asks for a choice. */
    public static final String AUTO = "auto";

    private static final Logger LOG = LoggerFactory.getLogger(Runtimes.class);
    private static final Duration AUTO_PROBE_TIMEOUT = Duration.ofSeconds(3);

    private final Path home;
    private final Path cache;
    private final Map<String, ServerRuntime> made = new ConcurrentHashMap<>();
    private final ServerRuntime chosen;
    private final String reason;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Runtimes(Path home, Path cache, String requested, ServerRuntime custom) {
        this.home = home;
        this.cache = cache;
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
     * runtime named {@code requested} ({@code process}, {@code container}, or {@code auto}/null).
     */
    public static Runtimes open(Path home, Path cache, String requested, ServerRuntime custom) {
        return new Runtimes(home, cache, requested, custom);
    }

    /** Checks a runtime name: one of {@link #NAMES}, or {@code auto}; returns it. */
    public static String check(String name) {
        if (!name.equals(AUTO) && !NAMES.contains(name)) {
            throw new InvalidSpecException("runtime '" + Names.printable(name) + "' is not available. Allowed: "
                    + NAMES + " or " + AUTO);
        }
        return name;
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
        if (name.equals(ContainerRuntime.NAME)) {
            return new ContainerRuntime(home, DockerApi.connect(DockerApi.DEFAULT_TIMEOUT));
        }
        return new ProcessRuntime(home, cache);
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
