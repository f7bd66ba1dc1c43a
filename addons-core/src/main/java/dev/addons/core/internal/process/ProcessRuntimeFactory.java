package dev.addons.core.internal.process;

import dev.addons.core.runtime.RuntimeContext;
import dev.addons.core.runtime.RuntimeFactory;
import dev.addons.core.runtime.ServerRuntime;

/** Makes the {@code process} runtime: engine binaries run as child processes on this host. */
public final class ProcessRuntimeFactory implements RuntimeFactory {
    @Override
    public String name() {
        return ProcessRuntime.NAME;
    }

    @Override
    public ServerRuntime create(RuntimeContext context) {
        return new ProcessRuntime(context.home(), context.cache());
    }
}
