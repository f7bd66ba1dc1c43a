package dev.addons.core.internal.container;

import dev.addons.core.runtime.RuntimeContext;
import dev.addons.core.runtime.RuntimeFactory;
import dev.addons.core.runtime.ServerRuntime;

/**
 * Makes the {@code container} runtime on the Docker-API endpoint found as Testcontainers finds
 * one; fails saying where it looked when none answers.
 */
public final class ContainerRuntimeFactory implements RuntimeFactory {
    @Override
    public String name() {
        return ContainerRuntime.NAME;
    }

    @Override
    public ServerRuntime create(RuntimeContext context) {
        return new ContainerRuntime(context.home(), DockerApi.connect(DockerApi.DEFAULT_TIMEOUT));
    }
}
