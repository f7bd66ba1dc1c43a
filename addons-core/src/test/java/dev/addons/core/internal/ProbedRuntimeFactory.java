package dev.addons.core.internal;

import dev.addons.core.runtime.RuntimeContext;
import dev.addons.core.runtime.RuntimeFactory;
import dev.addons.core.runtime.RuntimeProbe;
import dev.addons.core.runtime.ServerRuntime;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A runtime of another module that {@code auto} prefers to the process runtime when its probe
 * finds it available, as the container runtime is: available when the setting
 * {@code probed.available} is {@code true} (so that other tests on this class path never get it),
 * and counting its probes per home, for the tests that show when {@code auto} probes.
 */
public final class ProbedRuntimeFactory implements RuntimeFactory {
    static final String NAME = "probed";
    static final String AVAILABLE = "probed.available";
    private static final Map<Path, AtomicInteger> PROBES = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 50;
    }

    @Override
    public ServerRuntime create(RuntimeContext context) {
        return new RecordingRuntimeFactory.Made(context, NAME);
    }

    @Override
    public RuntimeProbe probe(RuntimeContext context) {
        PROBES.computeIfAbsent(context.home(), home -> new AtomicInteger()).incrementAndGet();
        if (context.setting(AVAILABLE).orElse("false").equals("true")) {
            return RuntimeProbe.available(create(context), "the probed endpoint answered");
        }
        return RuntimeProbe.unavailable("no probed endpoint answered (nothing listens)");
    }

    /** How many times {@code home} was probed. */
    static int probes(Path home) {
        AtomicInteger count = PROBES.get(home);
        return count == null ? 0 : count.get();
    }
}
