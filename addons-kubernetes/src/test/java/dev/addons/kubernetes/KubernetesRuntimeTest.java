package dev.addons.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.ContainerFile;
import dev.addons.api.spi.ContainerRecipe;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.api.spi.ServerRequest;
import dev.addons.core.runtime.Placement;
import dev.addons.core.runtime.ProgressListener;
import dev.addons.core.runtime.RunningServer;
import dev.addons.core.runtime.RuntimeContext;
import dev.addons.memcache.MemcachedProvider;
import dev.addons.postgres.PostgresProvider;
import dev.addons.redis.ValkeyProvider;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubernetes runtime against fabric8's mock API server in CRUD mode (or a real cluster, see
 * {@link TestCluster}): the objects a start makes and what they say, readiness driven by the
 * StatefulSet's status, complete deletion, and a new runtime instance (as after a restart of the
 * process) finding and removing by label what no record knows. The runtime runs with
 * {@code kubernetes.readiness=replicas} here: the mock runs no server to check, and a JVM outside
 * a real cluster cannot reach a Service's DNS name.
 */
class KubernetesRuntimeTest {
    private static final long READY_SECONDS = 300;
    private static final String ADMIN_PASSWORD = "admin-s3cret";

    @TempDir
    Path home;

    private TestCluster cluster;
    private KubernetesClient client;
    private KubernetesRuntime runtime;
    private String namespace;
    private String storageClass;
    private final ExecutorService starts = Executors.newCachedThreadPool();

    @BeforeEach
    void openCluster() {
        cluster = TestCluster.open();
        namespace = cluster.namespace();
        storageClass = cluster.isMock() ? "fast" : System.getProperty(TestCluster.SWITCH + ".storageClass");
        client = cluster.newClient();
        runtime = newRuntime();
    }

    /** Nothing of this home outlives a test, even one that failed half-way. */
    @AfterEach
    void removeEverythingOfThisHome() {
        try (KubernetesRuntime sweeper = newRuntime()) {
            sweeper.removeStrays(id -> false);
            assertThat(objectsOfThisHome()).as("objects left by the test").isEmpty();
        } finally {
            runtime.close();
            client.close();
            starts.shutdownNow();
            cluster.close();
        }
    }

    @Test
    void aDedicatedServerIsAStatefulSetWithItsClaimServiceSecretAndNetworkPolicyAllLabelledWithItsOwner()
            throws Exception {
        RunningServer server = startReady("postgresql-1", postgres(), Placement.dedicated("shop", "staging", "postgresql"));
        String name = server.attribute("object");

        assertThat(server.runtime()).isEqualTo("kubernetes");
        assertThat(server.endpoint().host()).isEqualTo(name + "." + namespace + ".svc.cluster.local");
        assertThat(server.endpoint().port()).isEqualTo(5432);
        List<HasMetadata> objects = objectsOfThisHome();
        assertThat(objects).extracting(HasMetadata::getKind)
                .containsExactlyInAnyOrder("StatefulSet", "Service", "Secret", "PersistentVolumeClaim", "NetworkPolicy");
        for (HasMetadata object : objects) {
            assertThat(object.getMetadata().getName()).isEqualTo(name);
            assertThat(object.getMetadata().getLabels()).as(object.getKind()).containsEntry("app.kubernetes.io/managed-by",
                    "addons").containsEntry("app.kubernetes.io/name", "postgresql")
                    .containsEntry("addons.dev/server", name).containsEntry("addons.dev/addon", "postgresql")
                    .containsEntry("addons.dev/app", "shop").containsEntry("addons.dev/environment", "staging")
                    .containsKey("addons.dev/home");
            assertThat(object.getMetadata().getAnnotations()).containsEntry("addons.dev/server-id", "postgresql-1")
                    .containsEntry("addons.dev/home-path", home.toAbsolutePath().normalize().toString());
        }
    }

    @Test
    void theSecretHoldsTheContainersEnvironmentAndTheAdminLoginAndThePodTakesEveryVariableFromIt()
            throws Exception {
        RunningServer server = startReady("postgresql-2", postgres(), Placement.dedicated("shop", "production", "postgresql"));
        String name = server.attribute("object");

        Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
        Map<String, String> values = decoded(secret);
        assertAdminOnly(secret);
        assertThat(values).containsOnlyKeys("POSTGRES_USER", "POSTGRES_PASSWORD", "host", "port", "username",
                "password");
        assertThat(values).containsEntry("POSTGRES_PASSWORD", ADMIN_PASSWORD).containsEntry("password", ADMIN_PASSWORD)
                .containsEntry("host", server.endpoint().host())
                .containsEntry("port", "5432").containsEntry("username", "postgres");

        StatefulSet set = client.apps().statefulSets().inNamespace(namespace).withName(name).get();
        Container container = set.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(set.getSpec().getReplicas()).isEqualTo(1);
        assertThat(container.getImage()).isEqualTo(postgres().container().image());
        assertThat(container.getEnv()).extracting(EnvVar::getName)
                .containsExactlyInAnyOrder("POSTGRES_USER", "POSTGRES_PASSWORD", "PGDATA");
        // PGDATA, a path of the pod's layout, is the one plain value (see PodSecurityTest).
        assertThat(container.getEnv()).filteredOn(variable -> variable.getValue() != null)
                .extracting(EnvVar::getName).containsExactly("PGDATA");
        for (EnvVar variable : container.getEnv().stream().filter(v -> !v.getName().equals("PGDATA")).toList()) {
            assertThat(variable.getValue()).as(variable.getName() + " as a plain value").isNull();
            assertThat(variable.getValueFrom().getSecretKeyRef().getName()).isEqualTo(name);
            assertThat(variable.getValueFrom().getSecretKeyRef().getKey()).isEqualTo(variable.getName());
        }
        assertThat(client.apps().statefulSets().inNamespace(namespace).withName(name).get().toString())
                .doesNotContain(ADMIN_PASSWORD);
        assertThat(container.getVolumeMounts().get(0).getMountPath()).isEqualTo("/var/lib/postgresql");
        assertThat(set.getSpec().getTemplate().getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName())
                .isEqualTo(name);
    }

    @Test
    void theClaimUsesTheConfiguredStorageClassAndSizeAndTheServiceSelectsTheServersPod() throws Exception {
        RunningServer server = startReady("postgresql-3", postgres(), Placement.dedicated("shop", "production", "postgresql"));
        String name = server.attribute("object");

        PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace(namespace).withName(name).get();
        assertThat(claim.getSpec().getStorageClassName()).isEqualTo(storageClass);
        assertThat(claim.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("2Gi");
        assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");

        Service service = client.services().inNamespace(namespace).withName(name).get();
        StatefulSet set = client.apps().statefulSets().inNamespace(namespace).withName(name).get();
        assertThat(service.getSpec().getPorts()).singleElement()
                .satisfies(port -> assertThat(port.getPort()).isEqualTo(5432));
        assertThat(set.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(service.getSpec().getSelector());
        assertThat(set.getSpec().getSelector().getMatchLabels()).isEqualTo(service.getSpec().getSelector());
    }

    @Test
    void theNetworkPolicyAdmitsOnlyTheAppsOwnPodsAndAddonsItselfToTheServersPod() throws Exception {
        RunningServer server = startReady("postgresql-4", postgres(), Placement.dedicated("shop", "production", "postgresql"));
        String name = server.attribute("object");

        NetworkPolicy policy = client.network().v1().networkPolicies().inNamespace(namespace).withName(name).get();
        Service service = client.services().inNamespace(namespace).withName(name).get();
        assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isEqualTo(service.getSpec().getSelector());
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
        assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> {
            assertThat(rule.getFrom()).extracting(NetworkPolicyPeer::getPodSelector)
                    .extracting(selector -> selector.getMatchLabels())
                    .containsExactly(Map.of("addons.dev/app", "shop", "addons.dev/environment", "production"),
                            Map.of("addons.dev/control-plane", service.getMetadata().getLabels().get("addons.dev/home")));
            assertThat(rule.getFrom()).allSatisfy(peer -> assertThat(peer.getNamespaceSelector()).isNull());
            assertThat(rule.getPorts()).singleElement()
                    .satisfies(port -> assertThat(port.getPort().getIntVal()).isEqualTo(5432));
        });
    }

    @Test
    void aSharedServerBelongsToNoAppAdmitsThePodsOfAnyAppAndKeepsItsSuperuserInAnAdminOnlySecret() throws Exception {
        RunningServer server = startReady("postgresql-shared-18-kubernetes", postgres(), Placement.shared("postgresql"));
        String name = server.attribute("object");

        Secret superuser = client.secrets().inNamespace(namespace).withName(name).get();
        assertAdminOnly(superuser);
        assertThat(superuser.getMetadata().getLabels()).doesNotContainKeys("addons.dev/app", "addons.dev/environment");
        assertThat(decoded(superuser)).containsEntry("username", "postgres").containsEntry("password", ADMIN_PASSWORD);
        NetworkPolicy policy = client.network().v1().networkPolicies().inNamespace(namespace).withName(name).get();
        assertThat(policy.getMetadata().getLabels()).doesNotContainKeys("addons.dev/app", "addons.dev/environment");
        assertThat(policy.getSpec().getIngress().get(0).getFrom().get(0).getPodSelector().getMatchExpressions())
                .singleElement().satisfies(expression -> {
                    assertThat(expression.getKey()).isEqualTo("addons.dev/app");
                    assertThat(expression.getOperator()).isEqualTo("Exists");
                });
    }

    @Test
    void anEngineWithACommandOfItsOwnGetsItAsArgumentsAndItsCredentialsFromTheSecret() throws Exception {
        ServerDefinition memcached = new MemcachedProvider().server(serverRequest("1.6", ADMIN_PASSWORD));
        RunningServer server = startReady("memcached-1", memcached, Placement.dedicated("shop", "production", "memcached"));
        String name = server.attribute("object");

        Container container = client.apps().statefulSets().inNamespace(namespace).withName(name).get()
                .getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getArgs()).isEqualTo(memcached.container().command()).doesNotContain(ADMIN_PASSWORD);
        assertThat(container.getEnv()).extracting(EnvVar::getName)
                .containsExactly("ADDONS_MEMCACHED_PASSWORD", "ADDONS_MEMCACHED_USER");
        assertThat(container.getEnv()).allSatisfy(variable -> assertThat(variable.getValue()).isNull());
        Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
        assertAdminOnly(secret);
        assertThat(decoded(secret))
                .containsOnlyKeys("ADDONS_MEMCACHED_USER", "ADDONS_MEMCACHED_PASSWORD", "host", "port", "username",
                        "password")
                .containsEntry("username", "memcached")
                .containsEntry("ADDONS_MEMCACHED_PASSWORD", ADMIN_PASSWORD);
    }

    @Test
    void aRecipesFilesGoFromTheSecretIntoTheDataVolumeThroughAnInitContainerAndTheServerNeverSeesThePassword()
            throws Exception {
        ServerDefinition valkey = new ValkeyProvider().server(serverRequest("8", ADMIN_PASSWORD));
        ContainerFile config = valkey.container().files().get(0);
        RunningServer server = startReady("valkey-1", valkey, Placement.dedicated("shop", "production", "valkey"));
        String name = server.attribute("object");

        assertThat(decoded(client.secrets().inNamespace(namespace).withName(name).get()))
                .containsEntry("addons.file.0", new String(config.content(), StandardCharsets.UTF_8));
        PodSpec pod = client.apps().statefulSets().inNamespace(namespace).withName(name).get()
                .getSpec().getTemplate().getSpec();
        Container server0 = pod.getContainers().get(0);
        assertThat(server0.getArgs()).containsExactly("valkey-server", "/data/addons-valkey.conf");
        assertThat(server0.getEnv()).isEmpty();
        assertThat(server0.getVolumeMounts()).extracting(VolumeMount::getName).containsExactly("data", "scratch-tmp");
        assertThat(pod.getInitContainers()).singleElement().satisfies(init -> {
            assertThat(init.getImage()).isEqualTo(valkey.container().image());
            assertThat(init.getCommand()).containsExactly("sh", "-c", "cp /addons-files/addons.file.0"
                    + " '/data/addons-valkey.conf' && chmod 600 '/data/addons-valkey.conf'");
            assertThat(init.getVolumeMounts()).extracting(VolumeMount::getName, VolumeMount::getMountPath)
                    .containsExactly(tuple("data", "/data"), tuple("files", "/addons-files"));
        });
        assertThat(pod.getVolumes()).filteredOn(volume -> volume.getName().equals("files")).singleElement()
                .satisfies(volume -> {
                    assertThat(volume.getSecret().getSecretName()).isEqualTo(name);
                    assertThat(volume.getSecret().getDefaultMode()).isEqualTo(0440);
                });
        assertThat(pod.toString()).doesNotContain(ADMIN_PASSWORD);
    }

    @Test
    void startWaitsUntilTheStatefulSetReportsAReadyReplica() throws Exception {
        Future<RunningServer> start = starts.submit(() -> runtime.start("postgresql-5", postgres(),
                Placement.dedicated("shop", "production", "postgresql"), ProgressListener.NONE));
        String name = new KubernetesNames(home).object("postgresql-5");
        StatefulSet created = client.apps().statefulSets().inNamespace(namespace).withName(name)
                .waitUntilCondition(s -> s != null, READY_SECONDS, TimeUnit.SECONDS);

        if (cluster.isMock()) {
            assertThat(created.getStatus()).isNull();
            assertThat(start).isNotDone();
        }
        cluster.driveReady(client, namespace, name, READY_SECONDS);

        RunningServer server = start.get(READY_SECONDS, TimeUnit.SECONDS);
        assertThat(runtime.isRunning(server)).isTrue();
    }

    @Test
    void aServerWithNoReadyReplicaBeforeItsStartTimeoutIsDeletedEntirely() {
        ServerDefinition quick = withStartTimeout(postgres(), Duration.ofSeconds(2));

        assertThatThrownBy(() -> runtime.start("postgresql-6", quick, Placement.dedicated("shop", "production",
                "postgresql"), ProgressListener.NONE))
                .isInstanceOf(ProvisioningException.class)
                .hasMessageContaining("had no ready replica within PT2S")
                .hasMessageContaining("kubectl -n " + namespace + " describe pod ")
                .hasMessageNotContaining(ADMIN_PASSWORD);
        assertThat(objectsOfThisHome()).isEmpty();
    }

    @Test
    void aPodWhoseImageCannotBePulledFailsTheStartAtOnceNamingTheReasonAndLeavesNothing() throws Exception {
        ServerDefinition d = postgres();
        ServerDefinition missing = new ServerDefinition(d.engine(), d.version(), d.adminUser(), d.adminPassword(),
                d.process(), ContainerRecipe.builder("localhost/addons-test/no-such-image:1", d.container().port(),
                                d.container().dataPath())
                        .environment(d.container().environment())
                        .command(d.container().command())
                        .build(),
                d.readiness(), Duration.ofSeconds(READY_SECONDS));
        Future<RunningServer> start = starts.submit(() -> runtime.start("postgresql-11", missing,
                Placement.dedicated("shop", "production", "postgresql"), ProgressListener.NONE));
        String pod = new KubernetesNames(home).object("postgresql-11") + "-0";
        if (cluster.isMock()) {
            // What the kubelet reports after failing to pull the image a few times.
            client.apps().statefulSets().inNamespace(namespace).withName(new KubernetesNames(home).object("postgresql-11"))
                    .waitUntilCondition(s -> s != null, READY_SECONDS, TimeUnit.SECONDS);
            client.pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata().withName(pod).endMetadata()
                    .withNewStatus().addNewContainerStatus().withName("server").withNewState().withNewWaiting()
                    .withReason("ImagePullBackOff").withMessage("Back-off pulling image").endWaiting().endState()
                    .endContainerStatus().endStatus().build()).create();
        }
        try {
            assertThatThrownBy(() -> start.get(READY_SECONDS, TimeUnit.SECONDS))
                    .cause().isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining("Pod " + pod + " of postgresql cannot start: ImagePullBackOff")
                    .hasMessageNotContaining(ADMIN_PASSWORD);
            assertThat(objectsOfThisHome()).isEmpty();
        } finally {
            client.pods().inNamespace(namespace).withName(pod).delete();
        }
    }

    @Test
    void destroyDeletesEveryObjectIncludingTheClaimAndCanBeRepeated() throws Exception {
        RunningServer server = startReady("postgresql-7", postgres(), Placement.dedicated("shop", "production", "postgresql"));

        runtime.destroy(server);

        assertThat(objectsOfThisHome()).isEmpty();
        assertThat(runtime.isRunning(server)).isFalse();
        runtime.destroy(server);
    }

    @Test
    void aNewRuntimeInstanceFindsByLabelAndRemovesWhatNoRecordKnowsAndOnlyThat() throws Exception {
        RunningServer kept = startReady("postgresql-8", postgres(), Placement.dedicated("shop", "production", "postgresql"));
        RunningServer lost = startReady("postgresql-9", postgres(), Placement.dedicated("blog", "production", "postgresql"));
        // A start that died after its first object: only the Secret is there.
        client.resource(new ServerObjects("memcached-2", new MemcachedProvider().server(serverRequest("1.6", "x")),
                Placement.dedicated("blog", "production", "memcached"), new KubernetesNames(home),
                new KubernetesSettings(namespace, null, "1Gi", "cluster.local", false, PodSecuritySettings.NONE)).secret())
                .inNamespace(namespace).create();
        runtime.close();

        try (KubernetesRuntime restarted = newRuntime()) {
            List<String> removed = restarted.removeStrays(id -> id.equals(kept.serverId()));

            assertThat(removed).containsExactly("memcached-2", "postgresql-9");
            assertThat(restarted.isRunning(kept)).isTrue();
            assertThat(restarted.isRunning(lost)).isFalse();
            assertThat(objectsOfThisHome()).extracting(o -> o.getMetadata().getName())
                    .containsOnly(kept.attribute("object")).hasSize(5);
            assertThat(restarted.removeStrays(id -> id.equals(kept.serverId()))).isEmpty();
        }
    }

    @Test
    void objectsOfAnotherHomeInTheSameNamespaceAreNeverTouched(@TempDir Path otherHome) throws Exception {
        RunningServer mine = startReady("postgresql-10", postgres(), Placement.dedicated("shop", "production", "postgresql"));
        try (KubernetesRuntime other = new KubernetesRuntime(context(otherHome), cluster.newClient())) {
            assertThat(other.removeStrays(id -> false)).isEmpty();
        }
        assertThat(runtime.isRunning(mine)).isTrue();
        assertThat(objectsOfThisHome()).hasSize(5);
    }

    private RunningServer startReady(String serverId, ServerDefinition definition, Placement placement)
            throws Exception {
        Future<RunningServer> start = starts.submit(() -> runtime.start(serverId, definition, placement,
                ProgressListener.NONE));
        cluster.driveReady(client, namespace, new KubernetesNames(home).object(serverId), READY_SECONDS);
        return start.get(READY_SECONDS, TimeUnit.SECONDS);
    }

    private KubernetesRuntime newRuntime() {
        return new KubernetesRuntime(context(home), cluster.newClient());
    }

    private RuntimeContext context(Path addonsHome) {
        Map<String, String> settings = new HashMap<>();
        settings.put(KubernetesSettings.NAMESPACE, namespace);
        settings.put(KubernetesSettings.READINESS, "replicas");
        settings.put(KubernetesSettings.STORAGE_SIZE, "2Gi");
        if (storageClass != null) {
            settings.put(KubernetesSettings.STORAGE_CLASS, storageClass);
        }
        return new RuntimeContext(addonsHome, addonsHome.resolve("cache"), settings);
    }

    private static ServerDefinition postgres() {
        return new PostgresProvider().server(serverRequest("18", ADMIN_PASSWORD));
    }

    private static ServerDefinition withStartTimeout(ServerDefinition d, Duration timeout) {
        return new ServerDefinition(d.engine(), d.version(), d.adminUser(), d.adminPassword(), d.process(),
                d.container(), d.readiness(), timeout);
    }

    private List<HasMetadata> objectsOfThisHome() {
        return KubernetesRuntime.labelled(client, namespace, new KubernetesNames(home).home());
    }

    /**
     * The server's Secret holds its admin's credentials, a shared server's superuser's among them:
     * no app's binding (not of a servicebinding.io type, no binding {@code type} or {@code provider}
     * entry) and labelled admin-only, for RBAC and admission policies to keep app workloads off it.
     */
    private static void assertAdminOnly(Secret secret) {
        assertThat(secret.getType()).isEqualTo("Opaque");
        assertThat(secret.getMetadata().getLabels()).containsEntry("addons.dev/credentials", "admin");
        assertThat(decoded(secret)).doesNotContainKeys("type", "provider");
    }

    private static Map<String, String> decoded(Secret secret) {
        Map<String, String> values = new LinkedHashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((key, value) ->
                    values.put(key, new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8)));
        }
        if (secret.getStringData() != null) {
            values.putAll(secret.getStringData());
        }
        return values;
    }

    private static ServerRequest serverRequest(String version, String adminPassword) {
        return ServerRequest.builder(version).adminPassword(adminPassword).build();
    }
}
