package dev.addons.container;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Volume;
import dev.addons.api.Endpoint;
import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.ContainerFile;
import dev.addons.api.spi.ContainerRecipe;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.core.runtime.ProgressListener;
import dev.addons.core.runtime.RunningServer;
import dev.addons.core.runtime.ServerPorts;
import dev.addons.core.runtime.ServerReadiness;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One start of a server's container from its {@link ContainerRecipe}: the data volume (for a
 * fresh start), the container on its placement's network with its ports published on 127.0.0.1
 * only, its start, and the readiness check polled through those published ports (never through a
 * container address). On failure it removes the container and, for a fresh start, the volume and
 * a network left unused, before throwing. The recipe's files are copied into the created
 * container before its start. The container's environment holds secrets: it is never logged. One
 * use.
 *
 * <p>Unlike the process runtime, the readiness check needs no guard against another program on
 * the port (as the process runtime has): the container engine reserves the published host port
 * when it starts the container (Podman's conmon or rootlessport, Docker's docker-proxy) and the
 * start fails if another program has it, so for the container's life no other program can listen
 * there; where the engine forwards with NAT rules, a connection to the port is sent to the
 * container by the kernel before any local listener could see it. The listener is the container
 * engine's process, not a descendant of this JVM, so the process runtime's check could not apply.
 */
final class ContainerStart {
    /** Where published ports listen on the host, and where clients connect. */
    static final String LOOPBACK = "127.0.0.1";

    private static final Logger LOG = LoggerFactory.getLogger(ContainerStart.class);
    private static final int LOG_TAIL_LINES = 20;

    private final DockerApi docker;
    private final Networks networks;
    private final ServerDefinition definition;
    private final ContainerRecipe recipe;
    private final ContainerRecord record;
    private final Map<String, String> labels;
    private final ProgressListener progress;

    ContainerStart(DockerApi docker, Networks networks, ContainerNames names, ServerDefinition definition,
            ContainerRecord record, ProgressListener progress) {
        this.docker = docker;
        this.networks = networks;
        this.definition = definition;
        this.recipe = definition.container();
        this.record = record;
        this.labels = names.serverLabels(record.serverId(), record.placement());
        this.progress = progress;
    }

    /** The host ports to publish on: the main port's and the extra ports' by name. */
    record HostPorts(int main, Map<String, Integer> extra) {
        /**
         * Free ports for the recipe's main and extra ports, below the ephemeral range
         * ({@link ServerPorts}): a client's connection cannot take them while the server is
         * stopped, so a restart publishes it on the same ones.
         */
        static HostPorts free(ContainerRecipe recipe) {
            Set<Integer> chosen = new HashSet<>();
            int main = distinct(chosen);
            Map<String, Integer> extra = new LinkedHashMap<>();
            recipe.extraPorts().keySet().forEach(name -> extra.put(name, distinct(chosen)));
            return new HostPorts(main, extra);
        }

        private static int distinct(Set<Integer> chosen) {
            int port = ServerPorts.free();
            while (!chosen.add(port)) {
                port = ServerPorts.free();
            }
            return port;
        }

        /** The ports {@code server} listens on. */
        static HostPorts of(RunningServer server) {
            Map<String, Integer> extra = new LinkedHashMap<>();
            server.extraEndpoints().forEach((name, endpoint) -> extra.put(name, endpoint.port()));
            return new HostPorts(server.endpoint().port(), extra);
        }
    }

    /**
     * Starts the server: on a new, empty volume when {@code fresh} (refusing a volume that exists,
     * as it may hold another server's data), else on the existing one.
     */
    RunningServer run(boolean fresh, HostPorts ports) {
        String serverId = record.serverId();
        long begin = System.nanoTime();
        Made made = new Made();
        try {
            if (fresh) {
                createVolume();
                made.volume = true;
            }
            progress.step(serverId, "creating container " + record.container() + " from " + recipe.image());
            networks.withNetwork(record.placement(), () -> create(ports));
            made.container = true;
            docker.client().startContainerCmd(record.container()).exec();
            long started = System.nanoTime();
            InspectContainerResponse container = inspect();
            Endpoint endpoint = published(container, recipe.port());
            Map<String, Endpoint> extraEndpoints = new LinkedHashMap<>();
            recipe.extraPorts().forEach((name, port) -> extraEndpoints.put(name, published(container, port)));
            progress.step(serverId, "waiting until ready on " + endpoint);
            ServerReadiness.await(definition, new ServerAccess(serverId, endpoint, definition.adminUser(),
                    definition.adminPassword(), extraEndpoints), this::whyStopped, TimeUnit.MILLISECONDS::sleep);
            LOG.info("{} - Started {} in container {} on {} in {} ms (ready {} ms after the container started)",
                    serverId, definition.engine(), record.container(), endpoint,
                    (System.nanoTime() - begin) / 1_000_000, (System.nanoTime() - started) / 1_000_000);
            progress.step(serverId, "ready on " + endpoint);
            return new RunningServer(serverId, ContainerRuntime.NAME, endpoint, record.attributes(), extraEndpoints);
        } catch (RuntimeException | ServerReadiness.NotReady e) {
            String tail = made.container ? logTail() : "";
            Throwable cause = e instanceof ServerReadiness.NotReady ? e.getCause() : e;
            ProvisioningException failure = new ProvisioningException(failure(ServerReadiness.firstLine(e)
                    + (tail.isEmpty() ? "" : "\nLast lines of the container's log:\n" + tail)), cause);
            cleanUp(made, failure);
            throw failure;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ProvisioningException failure = new ProvisioningException(failure("interrupted"), e);
            cleanUp(made, failure);
            throw failure;
        } catch (Error e) {
            cleanUp(made, e); // e.g. a readiness check missing its driver: nothing may be left running
            throw e;
        }
    }

    /** What this start made, and so must remove when it fails: never what it found. */
    private static final class Made {
        boolean volume;
        boolean container;
    }

    private void createVolume() {
        try {
            docker.client().inspectVolumeCmd(record.volume()).exec();
            throw new ProvisioningException(failure("volume " + record.volume() + " exists already and may hold "
                    + "an earlier server's data; destroy that server, or remove the volume"));
        } catch (NotFoundException e) {
            docker.client().createVolumeCmd().withName(record.volume()).withLabels(labels).exec();
        }
    }

    private Void create(HostPorts ports) {
        List<ExposedPort> exposed = new ArrayList<>();
        List<PortBinding> bindings = new ArrayList<>();
        exposed.add(ExposedPort.tcp(recipe.port()));
        bindings.add(binding(recipe.port(), ports.main()));
        recipe.extraPorts().forEach((name, port) -> {
            exposed.add(ExposedPort.tcp(port));
            Integer host = ports.extra().get(name);
            bindings.add(binding(port, host != null ? host : ServerPorts.free()));
        });
        List<String> environment = new ArrayList<>();
        recipe.environment().forEach((key, value) -> environment.add(key + "=" + value));
        HostConfig host = HostConfig.newHostConfig()
                .withPortBindings(bindings)
                .withBinds(new Bind(record.volume(), new Volume(recipe.dataPath())))
                .withNetworkMode(record.network());
        CreateContainerCmd create = docker.client().createContainerCmd(recipe.image())
                .withName(record.container())
                .withLabels(labels)
                .withEnv(environment)
                .withExposedPorts(exposed)
                .withHostConfig(host);
        if (!recipe.command().isEmpty()) {
            create.withCmd(recipe.command());
        }
        create.exec();
        // Before the start, and into a created container: its secrets never pass through its Cmd or Env.
        for (ContainerFile file : recipe.files()) {
            try {
                ContainerFiles.copyIn(docker, record.container(), file.directory(), file.name(), file.content(),
                        new ContainerFiles.Owner(0, 0, file.mode()));
            } catch (IOException e) {
                throw new ProvisioningException(failure("cannot write " + file.path() + " into the container: "
                        + e.getMessage()), e);
            }
        }
        return null;
    }

    private static PortBinding binding(int containerPort, int hostPort) {
        return new PortBinding(Ports.Binding.bindIpAndPort(LOOPBACK, hostPort), ExposedPort.tcp(containerPort));
    }

    private InspectContainerResponse inspect() {
        return docker.client().inspectContainerCmd(record.container()).exec();
    }

    /** The loopback endpoint a container port is published on. */
    private Endpoint published(InspectContainerResponse container, int containerPort) {
        Ports.Binding[] bound = container.getNetworkSettings().getPorts().getBindings().get(ExposedPort.tcp(containerPort));
        if (bound == null || bound.length == 0 || bound[0].getHostPortSpec() == null) {
            throw new ProvisioningException(failure("port " + containerPort + " was not published"));
        }
        return new Endpoint(LOOPBACK, Integer.parseInt(bound[0].getHostPortSpec()));
    }

    /** Why the container is not running, if it is not. */
    private Optional<String> whyStopped() {
        InspectContainerResponse.ContainerState state = inspect().getState();
        return Boolean.TRUE.equals(state.getRunning()) ? Optional.empty()
                : Optional.of("the container stopped with status " + state.getExitCodeLong());
    }

    /** The container's last log lines (the engine's output; images print no secrets there). */
    private String logTail() {
        StringBuilder out = new StringBuilder();
        try (ResultCallback.Adapter<Frame> logs = docker.client().logContainerCmd(record.container())
                .withStdOut(true).withStdErr(true).withTail(LOG_TAIL_LINES)
                .exec(new ResultCallback.Adapter<>() {
                    @Override
                    public void onNext(Frame frame) {
                        out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                    }
                })) {
            logs.awaitCompletion(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return "(cannot read it: " + ServerReadiness.firstLine(e) + ")";
        }
        return out.toString().stripTrailing();
    }

    private void cleanUp(Made made, Throwable failure) {
        try {
            if (made.container) {
                Containers.remove(docker, record.container());
            }
            if (made.volume) {
                Containers.removeVolume(docker, record.volume());
                networks.removeIfUnused(record.placement());
            }
        } catch (DockerException | ProvisioningException e) {
            failure.addSuppressed(e);
        }
    }

    private String failure(String reason) {
        return "Could not start " + definition.engine() + " " + definition.version() + " as server '"
                + record.serverId() + "' with the container runtime: " + reason;
    }
}
