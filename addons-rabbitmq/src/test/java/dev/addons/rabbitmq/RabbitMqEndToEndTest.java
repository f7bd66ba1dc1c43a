package dev.addons.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Connection;
import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.Credentials;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.Status;
import dev.addons.api.Variant;
import dev.addons.core.AddonInfo;
import dev.addons.core.Addons;
import dev.addons.core.VersionInfo;
import dev.addons.core.runtime.Availability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole SDK against real RabbitMQ 3 nodes on the process runtime: the facade, the state
 * store, the runtime and the provider, connected to with the official AMQP client from the
 * injected {@code RABBITMQ_URL} alone. One home serves the class; each test uses its own apps. The
 * behaviours every engine shows on every runtime (a killed node, deploy, restart, ...) are in
 * {@link RabbitMqOnProcessTest} and {@link RabbitMqOnContainerTest}; these are RabbitMQ's own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RabbitMqEndToEndTest {
    @TempDir
    static Path home;

    private static final String UNAVAILABLE_4 = "RabbitMQ 4 (Debian 12's rabbitmq-server package is RabbitMQ 3.10):"
            + " no binaries for it on this host and no download is offered. It needs the container runtime"
            + " (runtime = \"container\", --runtime container).";
    private static final String REFUSED_4 = "rabbitmq version '4' cannot run on the process runtime: " + UNAVAILABLE_4
            + " Here the process runtime can run rabbitmq 3 (installed: /usr/lib/rabbitmq/bin): use --version 3,"
            + " or version = \"3\" in the app file.";

    Addons addons;
    final List<String> transitions = new ArrayList<>();

    @BeforeAll
    void open() {
        addons = Addons.builder().home(home).runtime("process")
                .listener((r, from) -> {
                    synchronized (transitions) {
                        transitions.add(r.app() + ":" + from + "->" + r.status());
                    }
                })
                .build();
    }

    @AfterAll
    void destroyEverythingAndCheckNothingIsLeft() throws IOException {
        for (AddonRecord record : addons.listAll()) {
            addons.app(record.app(), record.environment()).destroy(record.addon());
        }
        addons.close();
        assertThat(NodeProcesses.mentioning(home)).isEmpty();
        try (Stream<Path> servers = Files.list(Files.createDirectories(home.resolve("servers")))) {
            assertThat(servers).isEmpty();
        }
    }

    @Test
    void aDedicatedNodeReachesActiveCarriesMessagesAndDestroyLeavesNothing() throws Exception {
        long begin = System.nanoTime();
        AddonRecord record = addons.app("orders", "production").create(AddonSpec.of("rabbitmq").withVersion("3"));
        System.out.printf("create (start, readiness, provisioning) took %d ms%n", (System.nanoTime() - begin) / 1_000_000);

        assertThat(record.status()).isEqualTo(Status.ACTIVE);
        assertThat(record.variant()).isEqualTo("small");
        assertThat(record.version()).isEqualTo("3");
        synchronized (transitions) {
            assertThat(transitions).containsSubsequence("orders:null->PENDING", "orders:PENDING->PROVISIONING",
                    "orders:PROVISIONING->ACTIVE");
        }
        Credentials vars = addons.app("orders", "production").env();
        assertThat(vars.variables()).extracting(v -> v.name() + (v.sensitive() ? "*" : "")).containsExactly(
                "RABBITMQ_URL*", "RABBITMQ_HOST", "RABBITMQ_PORT", "RABBITMQ_USER", "RABBITMQ_PASSWORD*",
                "RABBITMQ_VHOST");
        Map<String, String> env = vars.toMap();
        assertThat(env).containsEntry("RABBITMQ_HOST", "127.0.0.1")
                .containsEntry("RABBITMQ_USER", "orders")
                .containsEntry("RABBITMQ_VHOST", "orders");
        assertThat(env.get("RABBITMQ_URL")).isEqualTo("amqp://orders:" + env.get("RABBITMQ_PASSWORD") + "@127.0.0.1:"
                + env.get("RABBITMQ_PORT") + "/orders");
        try (Connection connection = Amqp.connect(env.get("RABBITMQ_URL"))) {
            assertThat(Amqp.roundTrip(connection, "orders.created", "order 42")).isEqualTo("order 42");
        }

        Path serverDir = home.resolve("servers").resolve(record.id());
        List<ProcessHandle> processes = NodeProcesses.mentioning(serverDir);
        List<Integer> ports = portsOf(serverDir, processes);
        assertThat(processes).extracting(p -> p.info().command().orElse(""))
                .anyMatch(command -> command.endsWith("/beam.smp"))
                .anyMatch(command -> command.endsWith("/epmd"));
        assertThat(ports).hasSize(4).doesNotHaveDuplicates().allMatch(NodeProcesses::isListening);

        begin = System.nanoTime();
        addons.app("orders", "production").destroy("rabbitmq");
        System.out.printf("destroy took %d ms%n", (System.nanoTime() - begin) / 1_000_000);

        assertThat(processes).as("the node's processes, epmd included").noneMatch(NodeProcesses::isRunning);
        assertThat(NodeProcesses.mentioning(serverDir)).isEmpty();
        assertThat(ports).noneMatch(NodeProcesses::isListening);
        assertThat(serverDir).doesNotExist();
        assertThat(addons.app("orders", "production").list()).isEmpty();
    }

    @Test
    void twoAppsGetNodesOfTheirOwnThatCoexistOnOneHost() throws Exception {
        CompletableFuture<AddonRecord> alpha =
                addons.app("alpha", "production").createAsync(AddonSpec.of("rabbitmq").withVersion("3"));
        CompletableFuture<AddonRecord> beta =
                addons.app("beta", "production").createAsync(AddonSpec.of("rabbitmq").withVersion("3"));
        Path alphaDir = home.resolve("servers").resolve(alpha.join().id());
        Path betaDir = home.resolve("servers").resolve(beta.join().id());
        Map<String, String> alphaEnv = addons.app("alpha", "production").env().toMap();
        Map<String, String> betaEnv = addons.app("beta", "production").env().toMap();

        assertThat(alphaDir).isNotEqualTo(betaDir);
        assertThat(nodeName(alphaDir)).matches("rabbit-[0-9a-f]{12}@localhost").isNotEqualTo(nodeName(betaDir));
        List<Integer> alphaPorts = portsOf(alphaDir, NodeProcesses.mentioning(alphaDir));
        List<Integer> betaPorts = portsOf(betaDir, NodeProcesses.mentioning(betaDir));
        assertThat(alphaPorts).doesNotContainAnyElementsOf(betaPorts);
        for (Map<String, String> env : List.of(alphaEnv, betaEnv)) {
            try (Connection connection = Amqp.connect(env.get("RABBITMQ_URL"))) {
                assertThat(Amqp.roundTrip(connection, "jobs", env.get("RABBITMQ_USER"))).isEqualTo(env.get("RABBITMQ_USER"));
            }
        }
        String alphaOnBetasNode = alphaEnv.get("RABBITMQ_URL").replace(":" + alphaEnv.get("RABBITMQ_PORT") + "/",
                ":" + betaEnv.get("RABBITMQ_PORT") + "/");
        assertThatThrownBy(() -> Amqp.connect(alphaOnBetasNode).close())
                .isInstanceOf(AuthenticationFailureException.class);

        addons.app("alpha", "production").destroy("rabbitmq");
        assertThat(NodeProcesses.mentioning(alphaDir)).isEmpty();
        assertThat(alphaPorts).noneMatch(NodeProcesses::isListening);
        try (Connection connection = Amqp.connect(betaEnv.get("RABBITMQ_URL"))) {
            assertThat(Amqp.roundTrip(connection, "jobs", "still here")).isEqualTo("still here");
        }
        addons.app("beta", "production").destroy("rabbitmq");
        assertThat(NodeProcesses.mentioning(betaDir)).isEmpty();
        assertThat(betaPorts).noneMatch(NodeProcesses::isListening);
    }

    @Test
    void version4IsRefusedBeforeAnythingStartsSayingWhatToDo() {
        assertThatThrownBy(() -> addons.app("later", "production").create(AddonSpec.of("rabbitmq").withVersion("4")))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage(REFUSED_4);
        assertThatThrownBy(() -> addons.app("later", "production").create(AddonSpec.of("rabbitmq").withVersion("3.12")))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("rabbitmq version '3.12' is not supported. Supported: [3, 4] (default 4),"
                        + " or a full image reference containing ':'");
        assertThat(addons.app("later", "production").list()).isEmpty();
        // No servers directory at all when this test runs first: nothing was made either way.
        assertThat(java.util.Objects.requireNonNullElse(home.resolve("servers").toFile().list(), new String[0]))
                .noneMatch(server -> server.contains("-later-"));
    }

    @Test
    void infoListsTheVersionsWhatThisHostHasTheDefaultAndTheVariant() {
        AddonInfo info = addons.info("rabbitmq");

        assertThat(info.name()).isEqualTo("rabbitmq");
        assertThat(info.description()).isEqualTo("Managed RabbitMQ message broker");
        assertThat(info.defaultVersion()).as("the newest the process runtime can serve here").isEqualTo("3");
        assertThat(info.defaultVersions()).containsEntry("process", "3").containsEntry("container", "4");
        assertThat(info.variants()).containsExactly(new Variant("small", "Dedicated server", false));
        assertThat(info.versions()).containsExactly(
                new VersionInfo("3", true, new Availability(Availability.State.INSTALLED, "/usr/lib/rabbitmq/bin")),
                new VersionInfo("4", false, new Availability(Availability.State.UNAVAILABLE, UNAVAILABLE_4)));
    }

    /** The node's AMQP, management, distribution and epmd ports, as its configuration and environment say. */
    private static List<Integer> portsOf(Path serverDir, List<ProcessHandle> processes) throws IOException {
        String config = Files.readString(serverDir.resolve("run/rabbitmq.conf"));
        ProcessHandle any = processes.get(0);
        return List.of(
                Integer.parseInt(config.replaceAll("(?s).*listeners\\.tcp\\.1 = 127\\.0\\.0\\.1:(\\d+).*", "$1")),
                Integer.parseInt(config.replaceAll("(?s).*management\\.tcp\\.port = (\\d+).*", "$1")),
                Integer.parseInt(NodeProcesses.environment(any, "RABBITMQ_DIST_PORT")),
                Integer.parseInt(NodeProcesses.environment(any, "ERL_EPMD_PORT")));
    }

    private static String nodeName(Path serverDir) {
        return NodeProcesses.environment(NodeProcesses.mentioning(serverDir).get(0), "RABBITMQ_NODENAME");
    }
}
