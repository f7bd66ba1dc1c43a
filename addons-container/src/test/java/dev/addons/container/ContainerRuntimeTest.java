package dev.addons.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.core.runtime.Availability;
import dev.addons.core.runtime.DataFileNotReplacedException;
import dev.addons.core.runtime.Placement;
import dev.addons.core.runtime.ProgressListener;
import dev.addons.core.runtime.RunningServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container runtime against the Docker API there is (Podman's service in CI), with
 * PostgreSQL from the local test image that honours the official image's contract. Each test
 * destroys what it started; afterwards nothing labelled with the test's home may be left.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerRuntimeTest {
    @TempDir
    static Path home;

    private DockerApi docker;
    private ContainerRuntime runtime;
    private final List<RunningServer> started = new ArrayList<>();

    @BeforeAll
    void connect() {
        docker = TestImages.docker();
        runtime = new ContainerRuntime(home, TestImages.docker());
    }

    @AfterEach
    void destroyWhatTheTestStarted() {
        started.forEach(runtime::destroy);
        started.clear();
        assertThat(left()).as("containers, volumes and networks of " + home).isEmpty();
    }

    @AfterAll
    void close() {
        if (runtime != null) {
            runtime.close();
            docker.close();
        }
    }

    private RunningServer start(String serverId, ServerDefinition definition, Placement placement) {
        RunningServer server = runtime.start(serverId, definition, placement, ProgressListener.NONE);
        started.add(server);
        return server;
    }

    @Test
    void startsPostgresFromTheImageWithItsPortsOnLoopbackOnlyAndDestroyLeavesNothing() throws Exception {
        ServerDefinition definition = TestImages.postgres(TestImages.POSTGRES);

        long begin = System.nanoTime();
        RunningServer server = runtime.start("pg-small", definition, Placement.dedicated("shop", "production",
                "postgresql"), ProgressListener.NONE);
        System.out.printf("container start-to-ready: %d ms%n", (System.nanoTime() - begin) / 1_000_000);

        assertThat(server.runtime()).isEqualTo("container");
        assertThat(server.endpoint().host()).isEqualTo("127.0.0.1");
        assertThat(TestImages.query(server.endpoint().port(), definition.adminPassword(), "show server_version"))
                .startsWith("15.");
        assertThat(runtime.isRunning(server)).isTrue();
        InspectContainerResponse container = inspect(server);
        Ports.Binding[] bindings = container.getNetworkSettings().getPorts().getBindings().get(ExposedPort.tcp(5432));
        assertThat(bindings).extracting(Ports.Binding::getHostIp).containsOnly("127.0.0.1");
        assertThat(container.getConfig().getLabels()).containsAllEntriesOf(Map.of(
                "dev.addons.home", home.toString(), "dev.addons.server", "pg-small", "dev.addons.addon", "postgresql",
                "dev.addons.app", "shop", "dev.addons.environment", "production"));
        assertThat(container.getMounts()).anySatisfy(mount -> {
            assertThat(mount.getName()).isEqualTo(server.attribute("volume"));
            assertThat(mount.getDestination().getPath()).isEqualTo("/var/lib/postgresql/data");
        });
        assertThat(container.getNetworkSettings().getNetworks()).containsOnlyKeys(server.attribute("network"));
        assertThat(server.attribute("network")).endsWith("-app-shop");
        assertThat(server.attributes().values()).noneMatch(v -> v.contains(definition.adminPassword()));
        assertThat(container.getConfig().getLabels().values()).noneMatch(v -> v.contains(definition.adminPassword()));

        begin = System.nanoTime();
        runtime.destroy(server);
        System.out.printf("container destroy: %d ms%n", (System.nanoTime() - begin) / 1_000_000);

        assertThat(left()).isEmpty();
        assertThat(runtime.isRunning(server)).isFalse();
        runtime.destroy(server);
    }

    @Test
    void aRestartReplacesTheContainerAndKeepsTheDataAndThePort() throws Exception {
        ServerDefinition definition = TestImages.postgres(TestImages.POSTGRES);
        RunningServer first = start("pg-restart", definition, Placement.dedicated("shop", "production", "postgresql"));
        TestImages.query(first.endpoint().port(), definition.adminPassword(), "create table kept as select 42 as a");
        String firstId = inspect(first).getId();

        RunningServer second = runtime.restart(first, definition, ProgressListener.NONE);

        assertThat(inspect(second).getId()).isNotEqualTo(firstId);
        assertThat(second.endpoint()).isEqualTo(first.endpoint());
        assertThat(TestImages.query(second.endpoint().port(), definition.adminPassword(), "select a from kept"))
                .isEqualTo("42");
    }

    @Test
    void aContainerRemovedBehindOurBackIsNotRunningAndIsRecreatedOnItsVolume() throws Exception {
        ServerDefinition definition = TestImages.postgres(TestImages.POSTGRES);
        RunningServer first = start("pg-removed", definition, Placement.shared("postgresql"));
        TestImages.query(first.endpoint().port(), definition.adminPassword(), "create table kept as select 7 as a");
        docker.client().removeContainerCmd(first.attribute("container")).withForce(true).exec();

        assertThat(runtime.isRunning(first)).isFalse();
        RunningServer second = runtime.restart(first, definition, ProgressListener.NONE);

        assertThat(runtime.isRunning(second)).isTrue();
        assertThat(TestImages.query(second.endpoint().port(), definition.adminPassword(), "select a from kept"))
                .isEqualTo("7");
    }

    @Test
    void aRestartWhoseFormerPortIsTakenPublishesOnAnotherAndKeepsTheData() throws Exception {
        ServerDefinition definition = TestImages.postgres(TestImages.POSTGRES);
        RunningServer first = start("pg-moved", definition, Placement.shared("postgresql"));
        TestImages.query(first.endpoint().port(), definition.adminPassword(), "create table kept as select 9 as a");
        docker.client().stopContainerCmd(first.attribute("container")).exec();

        RunningServer second;
        try (java.net.ServerSocket squatter = new java.net.ServerSocket(first.endpoint().port(), 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            assertThat(squatter.isBound()).as("another program holds the old port").isTrue();
            second = runtime.restart(first, definition, ProgressListener.NONE);
        }

        assertThat(second.endpoint().port()).isNotEqualTo(first.endpoint().port());
        assertThat(TestImages.query(second.endpoint().port(), definition.adminPassword(), "select a from kept"))
                .isEqualTo("9");
    }

    /** That no other app's container can reach them is shown per engine by the scenarios of addons-testkit. */
    @Test
    void anAppsContainersShareANetworkOfTheirOwnThatGoesWithTheLastOfThem() {
        ServerDefinition definition = TestImages.postgres(TestImages.POSTGRES);
        RunningServer production = start("pg-a-prod", definition, Placement.dedicated("alpha", "production",
                "postgresql"));
        RunningServer staging = start("pg-a-staging", definition, Placement.dedicated("alpha", "staging",
                "postgresql"));
        RunningServer beta = start("pg-b", definition, Placement.dedicated("beta", "production", "postgresql"));
        RunningServer shared = start("pg-shared", definition, Placement.shared("postgresql"));

        assertThat(staging.attribute("network")).isEqualTo(production.attribute("network"));
        assertThat(beta.attribute("network")).isNotEqualTo(production.attribute("network"));
        assertThat(shared.attribute("network")).endsWith("-shared").isNotEqualTo(beta.attribute("network"));

        runtime.destroy(production);
        assertThat(networks()).as("alpha's network while staging uses it").contains(production.attribute("network"));
        runtime.destroy(staging);
        assertThat(networks()).doesNotContain(production.attribute("network"));
    }

    @Test
    void aContainerOutlivesTheJvmThatStartedItAndThisOneDestroysIt() throws Exception {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        Process other = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                StartInAnotherJvm.class.getName(), home.toString(), "elsewhere")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> lines = new String(other.getInputStream().readAllBytes()).lines().toList();
        assertThat(other.waitFor()).as("the other JVM's exit code").isZero();
        RunningServer server = RunningServerLines.parse("elsewhere", "container", lines);
        started.add(server);

        assertThat(runtime.isRunning(server)).isTrue();
        runtime.destroy(server);
        assertThat(runtime.isRunning(server)).isFalse();
        assertThat(left()).isEmpty();
    }

    @Test
    void aMissingImageIsUnavailableAndFailsTheStartBeforeAnythingIsCreated() {
        ServerDefinition definition = TestImages.postgres(TestImages.MISSING);

        Availability availability = runtime.availability(definition);
        assertThat(availability.state()).isEqualTo(Availability.State.UNAVAILABLE);
        assertThat(availability.detail()).startsWith("image " + TestImages.MISSING + " is not present locally and "
                + "its registry localhost cannot be reached");

        assertThatThrownBy(() -> start("pg-missing", definition, Placement.dedicated("shop", "production",
                "postgresql")))
                .isInstanceOf(ProvisioningException.class)
                .hasMessageContaining("image " + TestImages.MISSING + " is not present locally and it could not be "
                        + "pulled")
                .hasMessageNotContaining(definition.adminPassword());
        assertThat(left()).isEmpty();
        // Before anything is recorded: a registry that cannot be reached is no verdict on the name.
        assertThatThrownBy(() -> runtime.obtain(definition, "postgresql (shop/production)",
                dev.addons.core.runtime.ProgressListener.NONE))
                .isExactlyInstanceOf(ProvisioningException.class)
                .hasMessageContaining("image " + TestImages.MISSING + " is not present locally and it could not be "
                        + "pulled");
        runtime.obtain(TestImages.postgres(TestImages.POSTGRES), "postgresql (shop/production)",
                dev.addons.core.runtime.ProgressListener.NONE);
        assertThat(left()).isEmpty();
    }

    @Test
    void aLocalImageIsInstalled() {
        assertThat(runtime.availability(TestImages.postgres(TestImages.POSTGRES)))
                .isEqualTo(new Availability(Availability.State.INSTALLED, "local image " + TestImages.POSTGRES));
    }

    @Test
    void aServerThatNeverGetsReadyIsRemovedWithItsVolumeAndTheLogTailIsReported() {
        ServerDefinition good = TestImages.postgres(TestImages.POSTGRES);
        ServerDefinition noPassword = new ServerDefinition(good.engine(), good.version(), good.adminUser(),
                good.adminPassword(), null,
                dev.addons.api.spi.ContainerRecipe.builder(TestImages.POSTGRES, 5432, "/var/lib/postgresql/data").build(),
                good.readiness(), good.startTimeout());

        assertThatThrownBy(() -> start("pg-broken", noPassword, Placement.shared("postgresql")))
                .isInstanceOf(ProvisioningException.class)
                .hasMessageContaining("the container stopped with status 1 before it was ready")
                .hasMessageContaining("superuser password is not specified");
        assertThat(left()).isEmpty();
    }

    @Test
    void refusesARecordWhoseNamesAreNotThisHomesOrThisRuntimes() {
        ContainerNames names = new ContainerNames(home);
        ContainerRecord record = ContainerRecord.of(names, "pg1", TestImages.POSTGRES,
                Placement.dedicated("shop", "production", "postgresql"));
        Map<String, String> tampered = new HashMap<>(record.attributes());
        tampered.put("volume", "someone-elses-data");
        RunningServer edited = new RunningServer("pg1", "container", new dev.addons.api.Endpoint("127.0.0.1", 5432),
                tampered);
        RunningServer process = new RunningServer("pg1", "process", new dev.addons.api.Endpoint("127.0.0.1", 5432),
                record.attributes());

        assertThatThrownBy(() -> runtime.destroy(edited)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not the names this addons home");
        assertThatThrownBy(() -> runtime.isRunning(process)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("belongs to the process runtime");
    }

    @Test
    void aMalformedImageReferenceIsUnavailableAndRefusedByNameBeforeTheDockerApiIsAsked() {
        ServerDefinition definition = TestImages.postgres("Shop/Postgres:15");

        assertThat(runtime.availability(definition)).isEqualTo(new Availability(Availability.State.UNAVAILABLE,
                "image 'Shop/Postgres:15' is not a valid image reference (Shop/Postgres is not a valid Docker image"
                        + " name (in Shop/Postgres:15)): use [registry/]repository:tag or"
                        + " [registry/]repository@sha256:digest, the repository in lower case"));
        assertThatThrownBy(() -> runtime.obtain(definition, "postgresql (shop/production)", ProgressListener.NONE))
                .isInstanceOf(dev.addons.api.InvalidSpecException.class)
                .hasMessageStartingWith("image 'Shop/Postgres:15' is not a valid image reference");
        assertThatThrownBy(() -> start("pg-malformed", definition, Placement.shared("postgresql")))
                .isInstanceOf(dev.addons.api.InvalidSpecException.class);
        assertThat(left()).isEmpty();
    }

    @Test
    void strayServersOfTheHomeAreRemovedWithTheirNetworkAndKnownOnesAreKept() throws Exception {
        ServerDefinition definition = TestImages.postgres(TestImages.POSTGRES);
        RunningServer known = start("pg-known", definition, Placement.dedicated("shop", "production", "postgresql"));
        // As a process that crashed after starting it, before recording it, would leave it.
        RunningServer stray = runtime.start("pg-stray", definition, Placement.dedicated("blog", "production",
                "postgresql"), ProgressListener.NONE);
        List<String> asked = new ArrayList<>();

        List<String> removed = runtime.removeStrays(id -> {
            asked.add(id);
            return id.equals("pg-known");
        });

        assertThat(removed).containsExactly("pg-stray");
        assertThat(asked).containsExactlyInAnyOrder("pg-known", "pg-stray");
        assertThat(runtime.isRunning(stray)).isFalse();
        assertThat(left()).noneMatch(thing -> thing.contains("pg-stray") || thing.contains("app-blog"));
        assertThat(TestImages.query(known, definition, "select 1")).isEqualTo("1");
        assertThat(runtime.removeStrays(id -> true)).isEmpty();
    }

    @Test
    void aToolRunsInTheServersContainerWithItsInputAndOutputAndFailuresSayWhy() {
        ServerDefinition definition = TestImages.postgres(TestImages.POSTGRES);
        RunningServer server = start("pg-tools", definition, Placement.shared("postgresql"));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

        runtime.exec(server, definition, List.of("psql", "-At", "-h", "127.0.0.1", "-p", "5432", "-U", "postgres",
                "-d", "postgres"), Map.of("PGPASSWORD", definition.adminPassword()),
                new java.io.ByteArrayInputStream("select 6 * 7;\n".getBytes()), out);

        assertThat(out.toString()).isEqualTo("42\n");
        assertThat(runtime.toolEndpoint(server, definition)).isEqualTo(new dev.addons.api.Endpoint("127.0.0.1", 5432));
        assertThatThrownBy(() -> runtime.exec(server, definition, List.of("no-such-tool"), Map.of(), null,
                java.io.OutputStream.nullOutputStream()))
                .isInstanceOf(dev.addons.api.UnsupportedOperationAddonException.class)
                .hasMessageContaining("'no-such-tool'");
        assertThatThrownBy(() -> runtime.exec(server, definition, List.of("psql", "-h", "127.0.0.1", "-U", "postgres",
                "-c", "select nonsense"), Map.of("PGPASSWORD", definition.adminPassword()), null,
                java.io.OutputStream.nullOutputStream()))
                .isInstanceOf(ProvisioningException.class)
                .hasMessageContaining("psql exited with status 1").hasMessageContaining("nonsense")
                .message().doesNotContain(definition.adminPassword());
    }

    @Test
    void aDataFileIsReplacedWhileStoppedAndTheOldOneComesBackWhenTheServerCannotStartOnTheNew() throws Exception {
        ServerDefinition definition = TestImages.postgres(TestImages.POSTGRES);
        RunningServer server = start("pg-file", definition, Placement.shared("postgresql"));
        TestImages.query(server, definition, "create table kept as select 5 as a");

        RunningServer replaced = runtime.replaceDataFile(server, definition, "postgresql.auto.conf",
                new java.io.ByteArrayInputStream("work_mem = '7MB'\n".getBytes()), ProgressListener.NONE);

        assertThat(TestImages.query(replaced, definition, "show work_mem")).isEqualTo("7MB");
        DataFileNotReplacedException refused = catchThrowableOfType(() -> runtime.replaceDataFile(replaced,
                definition, "postgresql.auto.conf", new java.io.ByteArrayInputStream("work_mem = 'a lot'\n"
                        .getBytes()), ProgressListener.NONE), DataFileNotReplacedException.class);
        RunningServer again = refused.server();

        assertThat(refused).hasMessageContaining(
                "did not start on the new postgresql.auto.conf; the old one is back in place");
        assertThat(runtime.isRunning(again)).isTrue();
        assertThat(TestImages.query(again, definition, "show work_mem")).isEqualTo("7MB");
        assertThat(TestImages.query(again, definition, "select a from kept")).isEqualTo("5");
        assertThatThrownBy(() -> runtime.replaceDataFile(replaced, definition, "../etc/passwd",
                java.io.InputStream.nullInputStream(), ProgressListener.NONE))
                .isInstanceOf(dev.addons.api.InvalidSpecException.class).hasMessageContaining("'../etc/passwd'");
    }

    private InspectContainerResponse inspect(RunningServer server) {
        return docker.client().inspectContainerCmd(server.attribute("container")).exec();
    }

    /** The containers, volumes and networks labelled with this test's home. */
    private List<String> left() {
        String label = ContainerNames.filter(ContainerNames.HOME, home.toString());
        List<String> out = new ArrayList<>();
        docker.client().listContainersCmd().withShowAll(true).withLabelFilter(List.of(label)).exec()
                .forEach(c -> out.add("container " + c.getNames()[0]));
        docker.client().listVolumesCmd().withFilter("label", List.of(label)).exec().getVolumes()
                .forEach(v -> out.add("volume " + v.getName()));
        networks().forEach(n -> out.add("network " + n));
        return out;
    }

    private List<String> networks() {
        String label = ContainerNames.filter(ContainerNames.HOME, home.toString());
        return docker.client().listNetworksCmd().withFilter("label", List.of(label)).exec().stream()
                .map(com.github.dockerjava.api.model.Network::getName).toList();
    }
}
