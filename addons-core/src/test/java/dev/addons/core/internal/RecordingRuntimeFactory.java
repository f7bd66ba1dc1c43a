package dev.addons.core.internal;

import dev.addons.api.spi.ServerDefinition;
import dev.addons.core.runtime.Availability;
import dev.addons.core.runtime.Placement;
import dev.addons.core.runtime.ProgressListener;
import dev.addons.core.runtime.RunningServer;
import dev.addons.core.runtime.RuntimeContext;
import dev.addons.core.runtime.RuntimeFactory;
import dev.addons.core.runtime.ServerRuntime;

/**
 * A runtime factory of another module, as addons-kubernetes is one, declared in this module's test
 * {@code META-INF/services}: its runtime starts nothing and keeps the context it was made with.
 */
public final class RecordingRuntimeFactory implements RuntimeFactory {
    static final String NAME = "recording";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ServerRuntime create(RuntimeContext context) {
        return new Made(context, NAME);
    }

    /** The runtime made, holding its context. */
    record Made(RuntimeContext context, String name) implements ServerRuntime {

        @Override
        public Availability availability(ServerDefinition definition) {
            return new Availability(Availability.State.UNAVAILABLE, "starts nothing");
        }

        @Override
        public RunningServer start(String serverId, ServerDefinition definition, Placement placement,
                ProgressListener progress) {
            throw new UnsupportedOperationException("starts nothing");
        }

        @Override
        public boolean isRunning(RunningServer server) {
            return false;
        }

        @Override
        public void destroy(RunningServer server) {
        }

        @Override
        public void close() {
        }
    }
}
