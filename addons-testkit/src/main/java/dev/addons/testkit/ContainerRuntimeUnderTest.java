package dev.addons.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;
import dev.addons.api.AddonRecord;
import dev.addons.api.ProvisioningException;
import dev.addons.container.DockerApi;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The container runtime's checks, through the Docker API and the labels the runtime puts on what
 * it makes ({@code dev.addons.home}, {@code dev.addons.app}, ...), as a later process would find
 * them. Reachability is tried from a throwaway container on a network, by address and by name,
 * with bash's {@code /dev/tcp}, which the Debian-based test images have.
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
        docker = connectOrAbort();
    }

    /**
     * The Docker API there is; where there is none at all the test is aborted, except in CI,
     * which always has one, where it fails. CI waits longer for its answer than a user's probe
     * does: a Podman service busy with two modules' containers can take more than 15 s.
     */
    static DockerApi connectOrAbort() {
        boolean ci = "true".equals(System.getenv("CI"));
        try {
            return DockerApi.connect(ci ? java.time.Duration.ofSeconds(90) : DockerApi.DEFAULT_TIMEOUT);
        } catch (ProvisioningException e) {
            if (ci) {
                throw new AssertionError("CI must have a Docker-API endpoint (see .ci/containers)", e);
            }
            Assumptions.abort("No Docker-API endpoint, so no container runtime tests: " + e.getMessage());
            throw e;
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
    public java.util.Set<String> serversOf(Path home) {
        List<String> label = List.of("dev.addons.home=" + home.toAbsolutePath());
        DockerClient client = docker.client();
        java.util.Set<String> ids = new java.util.HashSet<>();
        client.listContainersCmd().withShowAll(true).withLabelFilter(label).exec()
                .forEach(c -> ids.add(c.getLabels().get("dev.addons.server")));
        client.listVolumesCmd().withFilter("label", label).exec().getVolumes()
                .forEach(v -> ids.add(v.getLabels() == null ? v.getName() : v.getLabels().get("dev.addons.server")));
        return ids;
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
        String name = second.getName().replaceFirst("^/", "");
        String address = second.getNetworkSettings().getNetworks().get(secondNetwork).getIpAddress();
        for (String target : List.of(address, name)) {
            assertThat(canConnect(home, second, secondNetwork, target, port, "3"))
                    .as("the probe works: from " + other.app() + "'s network to its server at " + target).isTrue();
            // One SYN, no retransmission (the first comes after 1 s): the firewall as it is at one instant.
            // Podman's netavark 1.4 (Debian 12) drops the FORWARD jump to its isolation chains whenever any
            // isolated network is torn down (another test's, in a parallel build) until the next container
            // starts on one; a 3 s probe could send its retransmitted SYN through such a gap, which says
            // nothing about these networks (see the README's Runtimes).
            boolean reached = canConnect(home, second, firstNetwork, target, port, "0.8");
            for (int again = 0; reached && again < 3 && isolationJumpMissing(); again++) {
                // The host's isolation was down (netavark's gap, re-made by the next container's setup,
                // the probe's own): that probe measured the host, not these networks. Probe again.
                reached = canConnect(home, second, firstNetwork, target, port, "0.8");
            }
            assertThat(reached)
                    .as("from " + one.app() + "'s network to " + other.app() + "'s server at " + target).isFalse();
        }
    }

    @Override
    public void assertListensOnLoopbackOnly(Path home, AddonRecord record) {
        Map<ExposedPort, Ports.Binding[]> published = inspect(containerOf(home, record)).getNetworkSettings().getPorts()
                .getBindings();
        List<String> hosts = published.values().stream().filter(b -> b != null)
                .flatMap(Arrays::stream).map(Ports.Binding::getHostIp).toList();
        assertThat(hosts).as("host addresses of the ports " + record.id() + " publishes").isNotEmpty()
                .containsOnly("127.0.0.1");
    }

    @Override
    public void kill(Path home, AddonRecord record) {
        docker.client().killContainerCmd(containerOf(home, record)).exec();
    }

    @Override
    public int killAll(Path home) {
        List<Container> running = docker.client().listContainersCmd().withLabelFilter(Map.of(
                "dev.addons.home", home.toAbsolutePath().toString())).exec();
        running.forEach(container -> docker.client().killContainerCmd(container.getId()).exec());
        return running.size();
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

    /** The container port published on {@code hostPort}. */
    private static int containerPort(InspectContainerResponse container, int hostPort) {
        for (Map.Entry<ExposedPort, Ports.Binding[]> entry
                : container.getNetworkSettings().getPorts().getBindings().entrySet()) {
            Ports.Binding[] bindings = entry.getValue();
            if (bindings != null && bindings.length > 0
                    && bindings[0].getHostPortSpec().equals(Integer.toString(hostPort))) {
                return entry.getKey().getPort();
            }
        }
        throw new AssertionError("no port of " + container.getName() + " is published on " + hostPort);
    }

    /**
     * Whether a TCP connection to {@code target:port} succeeds within 3 s from a throwaway
     * container on {@code network} (of {@code like}'s image, labelled with the home so that a
     * leftover would be seen). A container, not an exec: Podman keeps an exec's monitor process
     * for minutes after it ends.
     */
    /**
     * Whether netavark's isolation chains have lost their {@code FORWARD} jump on this host now
     * (their known gap after any isolated network's teardown); false when it cannot tell (no
     * iptables, not root, not netavark).
     */
    private static boolean isolationJumpMissing() {
        try {
            Process iptables = new ProcessBuilder("iptables", "-S").redirectErrorStream(true).start();
            String rules = new String(iptables.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            return iptables.waitFor() == 0 && rules.contains("-N NETAVARK_ISOLATION_1")
                    && !rules.contains("-A FORWARD -j NETAVARK_ISOLATION_1");
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether a probe container on {@code network} connects to {@code target:port} within {@code seconds}. */
    private boolean canConnect(Path home, InspectContainerResponse like, String network, String target, int port,
            String seconds) {
        DockerClient client = docker.client();
        String probe = client.createContainerCmd(like.getConfig().getImage())
                .withEntrypoint("timeout")
                .withCmd(seconds, "bash", "-c", "exec 3<>/dev/tcp/" + target + "/" + port)
                .withLabels(Map.of("dev.addons.home", home.toAbsolutePath().toString()))
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode(network))
                .exec().getId();
        try {
            client.startContainerCmd(probe).exec();
            return client.waitContainerCmd(probe).exec(new WaitContainerResultCallback())
                    .awaitStatusCode(30, TimeUnit.SECONDS) == 0;
        } finally {
            client.removeContainerCmd(probe).withForce(true).withRemoveVolumes(true).exec();
        }
    }
}
