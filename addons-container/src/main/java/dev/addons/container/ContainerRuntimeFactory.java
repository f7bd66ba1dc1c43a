package dev.addons.container;

import dev.addons.core.runtime.RuntimeContext;
import dev.addons.core.runtime.RuntimeFactory;
import dev.addons.core.runtime.RuntimeProbe;
import dev.addons.core.runtime.ServerRuntime;
import java.time.Duration;

/**
 * Makes the {@code container} runtime on the Docker-API endpoint found as Testcontainers finds
 * one; fails saying where it looked when none answers. {@code auto} prefers it to the process
 * runtime when an endpoint answers within {@link #PROBE_TIMEOUT}. Stateless; thread-safe.
 */
public final class ContainerRuntimeFactory implements RuntimeFactory {
    /**
     * How long {@code auto} waits for a Docker API to answer before it passes over this runtime.
     * Only where a socket takes connections: where none does, the probe answers at once. Generous,
     * so that load does not choose the runtime: Podman's service took 3 s to answer
     * {@code /version} on a busy 2-core machine, and finding it takes three such calls.
     */
    public static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

    @Override
    public String name() {
        return ContainerRuntime.NAME;
    }

    /** 100: before the process runtime, whenever a Docker API answers. */
    @Override
    public int priority() {
        return 100;
    }

    @Override
    public ServerRuntime create(RuntimeContext context) {
        return new ContainerRuntime(context.home(), DockerApi.connect(DockerApi.DEFAULT_TIMEOUT));
    }

    /**
     * The runtime on the endpoint that answered, or why none did: where no socket takes a
     * connection this costs a few milliseconds and leaves Testcontainers untouched.
     */
    @Override
    public RuntimeProbe probe(RuntimeContext context) {
        DockerApi docker;
        try {
            docker = DockerApi.find(PROBE_TIMEOUT);
        } catch (DockerApi.NotFound e) {
            return RuntimeProbe.unavailable("no Docker-API endpoint answered (" + e.getMessage() + ")");
        }
        return RuntimeProbe.available(new ContainerRuntime(context.home(), docker),
                "a Docker API answered at " + docker.description());
    }
}
