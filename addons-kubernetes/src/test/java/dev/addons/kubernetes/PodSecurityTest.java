package dev.addons.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.addons.api.InvalidSpecException;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.ContainerRecipe;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.api.spi.ServerRequest;
import dev.addons.core.runtime.Placement;
import dev.addons.core.runtime.ProgressListener;
import dev.addons.core.runtime.RunningServer;
import dev.addons.core.runtime.RuntimeContext;
import dev.addons.memcache.MemcachedProvider;
import dev.addons.mysql.MysqlProvider;
import dev.addons.postgres.PostgresProvider;
import dev.addons.rabbitmq.RabbitMqProvider;
import dev.addons.redis.ValkeyProvider;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pods' security context, against fabric8's mock API server (see {@link TestCluster}): every
 * engine's pod as the StatefulSet the cluster stores says it, and the settings for other images.
 * The mock runs no pod, so that these users, paths and read-only file systems suit the official
 * images is taken from their Dockerfiles and entrypoints (see {@link PodSecurity}), not seen here.
 */
class PodSecurityTest {
    private static final long READY_SECONDS = 300;
    private static final String ADMIN_PASSWORD = "admin-s3cret";

    @TempDir
    Path home;

    private TestCluster cluster;
    private KubernetesClient client;
    private String namespace;
    private final List<KubernetesRuntime> runtimes = new ArrayList<>();
    private final ExecutorService starts = Executors.newCachedThreadPool();

    @BeforeEach
    void openCluster() {
        cluster = TestCluster.open();
        namespace = cluster.namespace();
        client = cluster.newClient();
    }

    @AfterEach
    void removeEverythingOfThisHome() {
        try (KubernetesRuntime sweeper = runtime(Map.of())) {
            sweeper.removeStrays(id -> false);
            assertThat(KubernetesRuntime.labelled(client, namespace, new KubernetesNames(home).home()))
                    .as("objects left by the test").isEmpty();
        } finally {
            runtimes.forEach(KubernetesRuntime::close);
            client.close();
            starts.shutdownNow();
            cluster.close();
        }
    }

    /** Each engine's official image: its user, where its data goes, what else it writes. */
    static Stream<Arguments> officialImages() {
        return Stream.of(
                Arguments.of(named(new PostgresProvider()), "18", 999L, "/var/lib/postgresql",
                        List.of("/tmp", "/var/run/postgresql"), Map.of("PGDATA", "/var/lib/postgresql/pgdata"), List.of()),
                Arguments.of(named(new MysqlProvider()), "9", 999L, "/var/lib/mysql", List.of("/tmp", "/var/run/mysqld"),
                        Map.of(), List.of("--datadir=/var/lib/mysql/data")),
                Arguments.of(named(new ValkeyProvider()), "8", 999L, "/data", List.of("/tmp"), Map.of(), List.of()),
                Arguments.of(named(new RabbitMqProvider()), "4", 999L, "/var/lib/rabbitmq",
                        List.of("/tmp", "/var/log/rabbitmq"), Map.of(), List.of()),
                Arguments.of(named(new MemcachedProvider()), "1.6", 11211L, "/data", List.of("/tmp"), Map.of(), List.of()));
    }

    private static Named<AddonProvider> named(AddonProvider provider) {
        return Named.of(provider.descriptor().name(), provider);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("officialImages")
    void everyEnginesPodRunsAsItsImagesUserWithoutPrivilegeOnAReadOnlyRootFileSystem(AddonProvider provider,
            String version, long id, String volumePath, List<String> scratch, Map<String, String> plainVariables,
            List<String> extraArguments) throws Exception {
        ServerDefinition definition = provider.server(serverRequest(version, ADMIN_PASSWORD));
        RunningServer server = startReady(runtime(Map.of()), provider.descriptor().name() + "-1", definition);
        PodSpec pod = pod(server);

        assertRunsAs(pod, id, id);
        assertThat(pod.getInitContainers().size() + pod.getContainers().size())
                .isEqualTo(definition.container().files().isEmpty() ? 1 : 2);
        allContainers(pod).forEach(container -> assertConfined(container, true));
        Container container = pod.getContainers().get(0);
        List<String> arguments = new ArrayList<>(definition.container().command());
        arguments.addAll(extraArguments);
        assertThat(container.getArgs()).isEqualTo(arguments);
        assertThat(container.getVolumeMounts()).extracting(VolumeMount::getName, VolumeMount::getMountPath,
                VolumeMount::getSubPath).containsExactlyElementsOf(expectedMounts(volumePath, scratch));
        assertThat(pod.getVolumes()).filteredOn(volume -> volume.getName().startsWith("scratch-"))
                .hasSize(scratch.size()).allSatisfy(volume -> assertThat(volume.getEmptyDir()).isNotNull());
        assertThat(container.getEnv()).filteredOn(variable -> variable.getValue() != null)
                .extracting(EnvVar::getName, EnvVar::getValue)
                .containsExactlyInAnyOrderElementsOf(plainVariables.entrySet().stream()
                        .map(entry -> tuple(entry.getKey(), entry.getValue())).toList());
        assertThat(container.getEnv()).filteredOn(variable -> variable.getValue() == null)
                .allSatisfy(variable -> assertThat(variable.getValueFrom().getSecretKeyRef().getName())
                        .isEqualTo(server.attribute("object")));
        assertThat(secretKeys(server)).filteredOn(plainVariables::containsKey).isEmpty();
        assertThat(pod.toString()).doesNotContain(ADMIN_PASSWORD);
    }

    @Test
    void postgresqlMakesItsDataDirectoryInTheVolumeAndNotWhereOlderImagesDeclareAVolume() throws Exception {
        RunningServer server = startReady(runtime(Map.of()), "postgresql-2",
                new PostgresProvider().server(serverRequest("16", ADMIN_PASSWORD)));
        Container container = pod(server).getContainers().get(0);

        assertThat(container.getVolumeMounts().get(0).getMountPath()).isEqualTo("/var/lib/postgresql");
        assertThat(container.getEnv()).filteredOn(variable -> variable.getName().equals("PGDATA")).singleElement()
                .satisfies(pgdata -> assertThat(pgdata.getValue()).startsWith("/var/lib/postgresql/")
                        .isNotEqualTo("/var/lib/postgresql/data"));
    }

    @Test
    void theFilesInitContainerRunsAsTheEnginesUserAndReadsTheSecretThroughTheGroup() throws Exception {
        RunningServer server = startReady(runtime(Map.of()), "valkey-2",
                new ValkeyProvider().server(serverRequest("8", ADMIN_PASSWORD)));
        PodSpec pod = pod(server);

        assertThat(pod.getInitContainers()).singleElement().satisfies(init -> {
            assertConfined(init, true);
            assertThat(init.getVolumeMounts()).extracting(VolumeMount::getName, VolumeMount::getMountPath,
                    VolumeMount::getSubPath).containsExactly(tuple("data", "/data", null), tuple("files", "/addons-files", null));
        });
        assertThat(pod.getVolumes()).filteredOn(volume -> volume.getName().equals("files")).singleElement()
                .satisfies(volume -> assertThat(volume.getSecret().getDefaultMode()).isEqualTo(0440));
        assertThat(pod.getContainers().get(0).getVolumeMounts()).extracting(VolumeMount::getName)
                .doesNotContain("files");
    }

    @Test
    void aCustomImageOfAnotherUserRunsAsTheUserItsEngineSettingNamesAndTheOtherEnginesKeepTheirs() throws Exception {
        KubernetesRuntime runtime = runtime(Map.of("kubernetes.runAs.postgresql", "70:70",
                "kubernetes.readOnlyRootFilesystem.postgresql", "false"));
        RunningServer alpine = startReady(runtime, "postgresql-3",
                new PostgresProvider().server(
                        serverRequest("registry.example.com/postgres:18-alpine", ADMIN_PASSWORD)));
        RunningServer valkey = startReady(runtime, "valkey-3",
                new ValkeyProvider().server(serverRequest("8", ADMIN_PASSWORD)));

        PodSpec pod = pod(alpine);
        assertThat(pod.getContainers().get(0).getImage()).isEqualTo("registry.example.com/postgres:18-alpine");
        assertRunsAs(pod, 70, 70);
        assertConfined(pod.getContainers().get(0), false);
        assertThat(pod.getContainers().get(0).getVolumeMounts()).extracting(VolumeMount::getMountPath)
                .containsExactly("/var/lib/postgresql", "/tmp", "/var/run/postgresql");
        assertRunsAs(pod(valkey), 999, 999);
        allContainers(pod(valkey)).forEach(container -> assertConfined(container, true));
    }

    @Test
    void anEnginesOwnSettingWinsOverTheOneForEveryEngine() {
        PodSecuritySettings settings = KubernetesSettings.from(context(Map.of("kubernetes.runAs", "1000:1000",
                "kubernetes.runAs.valkey", "999:1000", "kubernetes.readOnlyRootFilesystem", "false",
                "kubernetes.readOnlyRootFilesystem.mysql", "true"))).podSecurity();
        ContainerRecipe postgres = new PostgresProvider().server(serverRequest("18", ADMIN_PASSWORD)).container();

        assertThat(settings.podSecurity("postgresql", postgres).runAs()).isEqualTo(new RunAs(1000, 1000));
        assertThat(settings.podSecurity("valkey", postgres).runAs()).isEqualTo(new RunAs(999, 1000));
        assertThat(settings.podSecurity("postgresql", postgres).readOnlyRootFilesystem()).isFalse();
        assertThat(settings.podSecurity("mysql", postgres).readOnlyRootFilesystem()).isTrue();
        assertThat(PodSecuritySettings.NONE.podSecurity("postgresql", postgres))
                .isEqualTo(PodSecurity.official("postgresql").orElseThrow());
    }

    @Test
    void anEngineAddonsHasNoImageOfIsRefusedBeforeAnythingIsMadeUntilASettingNamesItsUser() throws Exception {
        ServerDefinition custom = new ServerDefinition("custom-db", "1", "admin", ADMIN_PASSWORD, null,
                ContainerRecipe.builder("registry.example.com/custom-db:1", 7000, "/var/lib/custom")
                        .environment(Map.of("CUSTOM_PASSWORD", ADMIN_PASSWORD))
                        .build(), access -> { }, Duration.ofSeconds(READY_SECONDS));

        assertThatThrownBy(() -> runtime(Map.of()).start("custom-db-1", custom,
                Placement.dedicated("shop", "production", "custom-db"), ProgressListener.NONE))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("The kubernetes runtime knows no user to run image registry.example.com/custom-db:1 of"
                        + " engine 'custom-db' as: set kubernetes.runAs.custom-db to its non-root <uid>:<gid>, such as"
                        + " 1000:1000");
        assertThat(KubernetesRuntime.labelled(client, namespace, new KubernetesNames(home).home())).isEmpty();

        RunningServer server = startReady(runtime(Map.of("kubernetes.runAs.custom-db", "1000:2000")), "custom-db-2",
                custom);
        PodSpec pod = pod(server);
        assertRunsAs(pod, 1000, 2000);
        assertConfined(pod.getContainers().get(0), false);
        assertThat(pod.getContainers().get(0).getVolumeMounts()).extracting(VolumeMount::getName,
                VolumeMount::getMountPath, VolumeMount::getSubPath)
                .containsExactly(tuple("data", "/var/lib/custom", "data"), tuple("scratch-tmp", "/tmp", null));
    }

    @Test
    void badSettingsAreRefusedByNameWithWhatIsAllowed() {
        String user = "use <uid>:<gid> of the image's non-root user, such as 70:70, each from 1 to 2147483647"
                + " (0, root, is refused)";
        assertRefused(Map.of("kubernetes.runAs", "0:0"), "kubernetes.runAs '0:0' is not allowed: " + user);
        assertRefused(Map.of("kubernetes.runAs.postgresql", "70:0"),
                "kubernetes.runAs.postgresql '70:0' is not allowed: " + user);
        assertRefused(Map.of("kubernetes.runAs.postgresql", "postgres"),
                "kubernetes.runAs.postgresql 'postgres' is not allowed: " + user);
        assertRefused(Map.of("kubernetes.runAs.valkey", "999"), "kubernetes.runAs.valkey '999' is not allowed: " + user);
        assertRefused(Map.of("kubernetes.runAs", "4294967296:1"),
                "kubernetes.runAs '4294967296:1' is not allowed: " + user);
        assertRefused(Map.of("kubernetes.readOnlyRootFilesystem.rabbitmq", "yes"),
                "kubernetes.readOnlyRootFilesystem.rabbitmq 'yes' is not allowed: use true or false");
        assertRefused(Map.of("kubernetes.runAs.Postgres_SQL", "70:70"), "kubernetes.runAs.Postgres_SQL: 'Postgres_SQL'"
                + " is not an engine's name: use the addon provider's name in lower case, such as"
                + " kubernetes.runAs.postgresql");
    }

    @Test
    void anEnginesSettingIsAlsoReadFromItsSystemProperty() {
        System.setProperty("addons.kubernetes.runAs.memcached", "1001:1001");
        try {
            PodSecuritySettings settings = KubernetesSettings.from(context(Map.of())).podSecurity();

            assertThat(settings.runAsByEngine()).containsExactly(Map.entry("memcached", new RunAs(1001, 1001)));
        } finally {
            System.clearProperty("addons.kubernetes.runAs.memcached");
        }
    }

    private void assertRefused(Map<String, String> settings, String message) {
        assertThatThrownBy(() -> KubernetesSettings.from(context(settings)))
                .isInstanceOf(InvalidSpecException.class).hasMessage(message);
    }

    private static void assertRunsAs(PodSpec pod, long uid, long gid) {
        PodSecurityContext context = pod.getSecurityContext();
        assertThat(context.getRunAsNonRoot()).isTrue();
        assertThat(context.getRunAsUser()).isEqualTo(uid);
        assertThat(context.getRunAsGroup()).isEqualTo(gid);
        assertThat(context.getFsGroup()).isEqualTo(gid);
        assertThat(context.getFsGroupChangePolicy()).isEqualTo("OnRootMismatch");
        assertThat(context.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(context.getSupplementalGroups()).isNullOrEmpty();
    }

    /** No privilege, escalation or capability, and no user of its own over the pod's. */
    private static void assertConfined(Container container, boolean readOnlyRootFilesystem) {
        SecurityContext context = container.getSecurityContext();
        assertThat(context).as(container.getName()).isNotNull();
        assertThat(context.getRunAsNonRoot()).isTrue();
        assertThat(context.getRunAsUser()).isNull();
        assertThat(context.getPrivileged()).isFalse();
        assertThat(context.getAllowPrivilegeEscalation()).isFalse();
        assertThat(context.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(context.getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(context.getReadOnlyRootFilesystem()).isEqualTo(readOnlyRootFilesystem);
    }

    private static List<org.assertj.core.groups.Tuple> expectedMounts(String volumePath, List<String> scratch) {
        List<org.assertj.core.groups.Tuple> mounts = new ArrayList<>();
        mounts.add(tuple("data", volumePath, null));
        scratch.forEach(path -> mounts.add(tuple(ServerObjects.scratchVolume(path), path, null)));
        return mounts;
    }

    private static List<Container> allContainers(PodSpec pod) {
        List<Container> containers = new ArrayList<>(pod.getInitContainers());
        containers.addAll(pod.getContainers());
        return containers;
    }

    private java.util.Set<String> secretKeys(RunningServer server) {
        Secret secret = client.secrets().inNamespace(namespace).withName(server.attribute("object")).get();
        java.util.Set<String> keys = new java.util.TreeSet<>();
        if (secret.getData() != null) {
            keys.addAll(secret.getData().keySet());
        }
        if (secret.getStringData() != null) {
            keys.addAll(secret.getStringData().keySet());
        }
        return keys;
    }

    /** The pod template of the StatefulSet as the API server stored it. */
    private PodSpec pod(RunningServer server) {
        return client.apps().statefulSets().inNamespace(namespace).withName(server.attribute("object")).get()
                .getSpec().getTemplate().getSpec();
    }

    private RunningServer startReady(KubernetesRuntime runtime, String serverId, ServerDefinition definition)
            throws Exception {
        Future<RunningServer> start = starts.submit(() -> runtime.start(serverId, definition,
                Placement.dedicated("shop", "production", definition.engine()), ProgressListener.NONE));
        cluster.driveReady(client, namespace, new KubernetesNames(home).object(serverId), READY_SECONDS);
        return start.get(READY_SECONDS, TimeUnit.SECONDS);
    }

    private KubernetesRuntime runtime(Map<String, String> settings) {
        KubernetesRuntime runtime = new KubernetesRuntime(context(settings), cluster.newClient());
        runtimes.add(runtime);
        return runtime;
    }

    private RuntimeContext context(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(extra);
        settings.put(KubernetesSettings.NAMESPACE, namespace);
        settings.put(KubernetesSettings.READINESS, "replicas");
        return new RuntimeContext(home, home.resolve("cache"), settings);
    }

    private static ServerRequest serverRequest(String version, String adminPassword) {
        return ServerRequest.builder(version).adminPassword(adminPassword).build();
    }
}
