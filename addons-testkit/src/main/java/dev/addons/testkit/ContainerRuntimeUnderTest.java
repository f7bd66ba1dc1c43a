package dev.addons.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.Ports;
import dev.addons.api.AddonRecord;
import dev.addons.api.ProvisioningException;
import dev.addons.core.internal.container.DockerApi;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The container runtime's checks, through the Docker API and the labels the runtime puts on what
 * it makes ({@code dev.addons.home}, {@code dev.addons.app}, ...), as a later process would find
 * them. Reachability between containers is tried from inside a container with bash's
 * {@code /dev/tcp}, which the Debian-based test images have.
 */
final class ContainerRuntimeUnderTest implements RuntimeUnderTest {
    private static final String MISSING_IMAGE = "localhost/addons-test/missing:1";

    private DockerApi docker;

    @Override
    public String name() {
        return "container";
    }

    @Override
    public void requireAvailable() {
        try {
            docker = DockerApi.connect(DockerApi.DEFAULT_TIMEOUT);
        } catch (ProvisioningException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("CI must have a Docker-API endpoint (see .ci/containers)", e);
            }
            Assumptions.abort("No Docker-API endpoint, so no container runtime scenarios: " + e.getMessage());
        }
    }

    @Override
    public String version(EngineUnderTest engine) {
        return engine.testImage();
    }

    @Override
    public String unavailableVersion(EngineUnderTest engine) {
        return MISSING_IMAGE;
    }

    @Override
    public String unavailableMessage(EngineUnderTest engine) {
        return "image " + MISSING_IMAGE + " is not present locally";
    }

    @Override
    public void assertNothingLeft(Path home) {
        List<String> label = List.of("dev.addons.home=" + home.toAbsolutePath());
        DockerClient client = docker.client();
        List<String> left = new ArrayList<>();
        client.listContainersCmd().withShowAll(true).withLabelFilter(label).exec()
                .forEach(c -> left.add("container " + c.getNames()[0]));
        client.listVolumesCmd().withFilter("label", label).exec().getVolumes()
                .forEach(v -> left.add("volume " + v.getName()));
        client.listNetworksCmd().withFilter("label", label).exec().forEach(n -> left.add("network " + n.getName()));
        assertThat(left).as("containers, volumes and networks of " + home).isEmpty();
    }

    @Override
    public void assertSeparated(Path home, AddonRecord one, AddonRecord other, EngineUnderTest engine,
            int otherPort) {
        InspectContainerResponse first = inspect(containerOf(home, one));
        InspectContainerResponse second = inspect(containerOf(home, other));
        String firstNetwork = onlyNetwork(first);
        String secondNetwork = onlyNetwork(second);
        assertThat(firstNetwork).as("networks of two apps").isNotEqualTo(secondNetwork);
        int port = containerPort(second, otherPort);
        String secondAddress = second.getNetworkSettings().getNetworks().get(secondNetwork).getIpAddress();
        String firstAddress = first.getNetworkSettings().getNetworks().get(firstNetwork).getIpAddress();
        assertThat(canConnect(second.getId(), secondAddress, port))
                .as("the probe works: " + other.app() + "'s container reaches its own server").isTrue();
        assertThat(canConnect(first.getId(), secondAddress, port))
                .as(one.app() + "'s container reaches " + other.app() + "'s server at " + secondAddress).isFalse();
        assertThat(canConnect(second.getId(), firstAddress, containerPort(first, -1)))
                .as(other.app() + "'s container reaches " + one.app() + "'s server at " + firstAddress).isFalse();
    }

    @Override
    public void kill(Path home, AddonRecord record) {
        docker.client().killContainerCmd(containerOf(home, record)).exec();
    }

    @Override
    public void close() {
        if (docker != null) {
            docker.close();
        }
    }

    /** The container of a dedicated addon, found by its labels. */
    private String containerOf(Path home, AddonRecord record) {
        List<Container> found = docker.client().listContainersCmd().withShowAll(true).withLabelFilter(Map.of(
                "dev.addons.home", home.toAbsolutePath().toString(), "dev.addons.app", record.app(),
                "dev.addons.environment", record.environment(), "dev.addons.addon", record.addon())).exec();
        assertThat(found).as("containers of " + record.id()).hasSize(1);
        return found.get(0).getId();
    }

    private InspectContainerResponse inspect(String container) {
        return docker.client().inspectContainerCmd(container).exec();
    }

    private static String onlyNetwork(InspectContainerResponse container) {
        assertThat(container.getNetworkSettings().getNetworks()).as("networks of " + container.getName()).hasSize(1);
        return container.getNetworkSettings().getNetworks().keySet().iterator().next();
    }

    /** The container port published on {@code hostPort}, or the first published one when it is -1. */
    private static int containerPort(InspectContainerResponse container, int hostPort) {
        for (Map.Entry<ExposedPort, Ports.Binding[]> entry
                : container.getNetworkSettings().getPorts().getBindings().entrySet()) {
            Ports.Binding[] bindings = entry.getValue();
            if (bindings != null && bindings.length > 0
                    && (hostPort == -1 || bindings[0].getHostPortSpec().equals(Integer.toString(hostPort)))) {
                return entry.getKey().getPort();
            }
        }
        throw new AssertionError("no port of " + container.getName() + " is published on " + hostPort);
    }

    /** Whether a TCP connection to {@code address:port} from inside {@code container} succeeds within 3 s. */
    private boolean canConnect(String container, String address, int port) {
        DockerClient client = docker.client();
        String exec = client.execCreateCmd(container)
                .withCmd("timeout", "3", "bash", "-c", "exec 3<>/dev/tcp/" + address + "/" + port)
                .withAttachStdout(true).withAttachStderr(true).exec().getId();
        try {
            client.execStartCmd(exec).exec(new ResultCallback.Adapter<Frame>()).awaitCompletion(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return client.inspectExecCmd(exec).exec().getExitCodeLong() == 0;
    }
}
