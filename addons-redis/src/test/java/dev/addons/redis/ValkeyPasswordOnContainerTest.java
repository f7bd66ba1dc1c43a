package dev.addons.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.addons.container.DockerApi;
import dev.addons.testkit.RuntimeServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The admin password of a Valkey server on the container runtime is in none of the places other
 * users of the host read: the container's configuration ({@code docker inspect}: command,
 * entrypoint, arguments, environment), the command lines of the processes in the container, or
 * those of any process on the host ({@code ps}). The server reads it from an owner-only file in
 * its data directory, and clients authenticate with it.
 */
class ValkeyPasswordOnContainerTest {
    private static final String IMAGE = "localhost/addons-test/valkey:7";

    @Test
    void thePasswordIsInNeitherTheContainersConfigurationNorAnyCommandLineAndClientsStillNeedIt()
            throws Exception {
        try (RuntimeServer server = RuntimeServer.onContainer(new ValkeyProvider(), IMAGE)) {
            String password = server.access().adminPassword();
            String container = server.running().attributes().get("container");
            InspectContainerResponse inspected;
            try (DockerApi docker = DockerApi.connect(DockerApi.DEFAULT_TIMEOUT)) {
                inspected = docker.client().inspectContainerCmd(container).exec();
            }
            List<String> configuration = new ArrayList<>();
            addAll(configuration, inspected.getConfig().getCmd());
            addAll(configuration, inspected.getConfig().getEntrypoint());
            addAll(configuration, inspected.getConfig().getEnv());
            addAll(configuration, inspected.getArgs());
            configuration.add(inspected.getPath());
            assertThat(configuration).as("the container's command, entrypoint, environment and arguments")
                    .contains("valkey-server", ValkeyProvider.CONTAINER_CONFIG)
                    .noneMatch(value -> value.contains(password));

            String inside = run(server, "sh", "-c", "cat /proc/[0-9]*/cmdline | tr '\\0' ' '");
            assertThat(inside).as("command lines in the container").contains("valkey-server")
                    .doesNotContain(password);
            assertThat(hostCommandLines()).as("command lines on the host").contains("valkey-server")
                    .doesNotContain(password);
            assertThat(run(server, "stat", "-c", "%U %a", ValkeyProvider.CONTAINER_CONFIG).strip())
                    .as("the configuration file's owner and mode").isEqualTo("valkey 600");

            try (Jedis jedis = new Jedis(server.access().endpoint().host(), server.access().endpoint().port())) {
                assertThatThrownBy(() -> jedis.set("k", "v")).isInstanceOf(JedisDataException.class)
                        .hasMessageStartingWith("NOAUTH");
                assertThatThrownBy(() -> jedis.auth("not-" + password)).isInstanceOf(JedisDataException.class);
                assertThat(jedis.auth(password)).isEqualTo("OK");
                assertThat(jedis.set("k", "v")).isEqualTo("OK");
            }
        }
    }

    private static void addAll(List<String> into, String[] values) {
        if (values != null) {
            into.addAll(List.of(values));
        }
    }

    private static String run(RuntimeServer server, String... command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        server.run(List.of(command), Map.of(), null, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Every command line {@code ps} on this host shows: a rootful Podman's containers run here too. */
    private static String hostCommandLines() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                try {
                    all.append(new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ')).append('\n');
                } catch (IOException e) {
                    // The process ended while we listed.
                }
            }
        }
        return all.toString();
    }
}
