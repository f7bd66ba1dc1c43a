package dev.addons.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The look at Docker's sockets before Testcontainers' discovery, on real Unix sockets in a
 * directory of the test's that stands for the file system root and the user's home.
 */
class DockerSocketsTest {
    @TempDir
    Path root;

    private Path home;
    private final Map<String, String> environment = new HashMap<>();

    @BeforeEach
    void aUserWithNoDocker() throws IOException {
        home = Files.createDirectories(root.resolve("home/someone"));
        environment.put("PATH", root.resolve("bin").toString());
    }

    private DockerSockets sockets() {
        return new DockerSockets(environment, home, "Linux", root);
    }

    @Test
    void withNoSocketAnywhereItSaysWhereItLookedWithoutAskingTestcontainers() {
        environment.put("DOCKER_HOST", "unix://" + root.resolve("no-docker.sock"));

        assertThat(sockets().whyNone()).hasValueSatisfying(why -> assertThat(why)
                .startsWith("nothing listens at DOCKER_HOST=" + root.resolve("no-docker.sock") + ", ")
                .contains(home.resolve(".docker/run/docker.sock").toString())
                .contains(root.resolve("var/run/docker.sock").toString())
                .contains(home.resolve(".docker/desktop/docker.sock").toString())
                .doesNotContain("\n"));
    }

    @Test
    void aSocketFileNothingListensOnAnyMoreCountsAsNoneAndSaysSo() throws IOException {
        Path stale = root.resolve("stale.sock");
        try (ServerSocketChannel gone = listen(stale)) {
            // Closed below: the file stays, as a stopped service leaves it.
        }
        environment.put("DOCKER_HOST", "unix://" + stale);

        assertThat(sockets().whyNone()).hasValueSatisfying(why -> assertThat(why)
                .startsWith("nothing listens at DOCKER_HOST=" + stale + " (connection refused), "));
    }

    @Test
    void aListeningSocketAtDockerHostOrWhereDockerPutsItIsLeftToTestcontainers() throws IOException {
        Path podman = root.resolve("podman.sock");
        try (ServerSocketChannel listening = listen(podman)) {
            environment.put("DOCKER_HOST", "unix://" + podman);
            assertThat(sockets().whyNone()).isEmpty();
        }
        environment.remove("DOCKER_HOST");
        try (ServerSocketChannel listening = listen(Files.createDirectories(root.resolve("var/run"))
                .resolve("docker.sock"))) {
            assertThat(sockets().whyNone()).isEmpty();
        }
        try (ServerSocketChannel listening = listen(Files.createDirectories(home.resolve(".docker/run"))
                .resolve("docker.sock"))) {
            assertThat(sockets().whyNone()).isEmpty();
        }
        assertThat(sockets().whyNone()).isPresent();
    }

    @Test
    void theDockerHostOfTestcontainersPropertiesIsLookedAtAsTheVariableIs() throws IOException {
        Path podman = root.resolve("podman.sock");
        Files.writeString(home.resolve(".testcontainers.properties"), "docker.host=unix\\://" + podman + "\n");

        assertThat(sockets().whyNone()).hasValueSatisfying(why -> assertThat(why)
                .startsWith("nothing listens at DOCKER_HOST=" + podman + ", "));
        try (ServerSocketChannel listening = listen(podman)) {
            assertThat(sockets().whyNone()).isEmpty();
        }
    }

    @Test
    void whatItCannotCheckIsLeftToTestcontainers() throws IOException {
        environment.put("DOCKER_HOST", "tcp://127.0.0.1:2375");
        assertThat(sockets().whyNone()).as("a TCP endpoint").isEmpty();
        environment.remove("DOCKER_HOST");

        assertThat(new DockerSockets(environment, home, "Windows 11", root).whyNone()).as("Windows").isEmpty();

        Path machine = Files.createDirectories(root.resolve("bin")).resolve("docker-machine");
        Files.writeString(machine, "#!/bin/sh\n");
        assertThat(machine.toFile().setExecutable(true)).isTrue();
        assertThat(sockets().whyNone()).as("docker-machine on the PATH").isEmpty();
        Files.delete(machine);

        Files.writeString(home.resolve(".testcontainers.properties"), "tc.host=tcp://127.0.0.1:2375\n");
        assertThat(sockets().whyNone()).as("tc.host").isEmpty();
        Files.writeString(home.resolve(".testcontainers.properties"),
                "docker.client.strategy=com.example.OurDockerStrategy\n");
        assertThat(sockets().whyNone()).as("a strategy of the user's").isEmpty();
        Files.writeString(home.resolve(".testcontainers.properties"),
                "docker.client.strategy=org.testcontainers.dockerclient.UnixSocketClientProviderStrategy\n");
        assertThat(sockets().whyNone()).as("a strategy of Testcontainers' remembered").isPresent();
    }

    private static ServerSocketChannel listen(Path socket) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        channel.bind(UnixDomainSocketAddress.of(socket));
        return channel;
    }
}
