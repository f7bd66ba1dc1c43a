package dev.addons.kubernetes;

import dev.addons.api.Endpoint;
import dev.addons.api.spi.ContainerFile;
import dev.addons.api.spi.ContainerRecipe;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.core.runtime.Placement;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The objects of one server, built from the provider's {@link ContainerRecipe} (the same image,
 * environment, arguments, port and data path the container runtime uses): a Secret holding the
 * container's environment and the server's admin login, a PersistentVolumeClaim for its data, a
 * StatefulSet of one replica whose container takes every variable from the Secret (and whose init
 * container writes the recipe's files from it into the data volume), a Service, and a
 * NetworkPolicy admitting only the app's pods (and addons' own). The pod runs as its image's
 * non-root user, with no privilege, capability or escalation, the runtime's default seccomp
 * profile and, where the image allows, a read-only root file system, as its {@link PodSecurity}
 * says. No I/O; immutable.
 */
final class ServerObjects {
    /** The container's name in the pod. */
    static final String CONTAINER = "server";
    /** The name of the Service's and the container's main port. */
    static final String MAIN_PORT = "server";
    /**
     * The label of the pods that run addons itself (its control plane), with the home id as
     * value: the NetworkPolicy admits them so that addons can check and provision the server.
     */
    static final String CONTROL_PLANE = "addons.dev/control-plane";
    /** The label that marks the Secret holding a server's admin credentials, never an app's. */
    static final String CREDENTIALS = "addons.dev/credentials";
    /** {@link #CREDENTIALS}'s value on the server's Secret. */
    static final String ADMIN = "admin";
    /** Where the init container finds the recipe's files, from the Secret. */
    private static final String FILES = "/addons-files";
    private static final String DATA_VOLUME = "data";

    private final String serverId;
    private final String name;
    private final String namespace;
    private final ServerDefinition definition;
    private final Placement placement;
    private final KubernetesNames names;
    private final KubernetesSettings settings;
    private final PodSecurity security;

    /**
     * The objects of server {@code serverId}; refused with an {@link dev.addons.api.InvalidSpecException}
     * when the settings name no user for an engine addons has no image of.
     */
    ServerObjects(String serverId, ServerDefinition definition, Placement placement, KubernetesNames names,
            KubernetesSettings settings) {
        this.serverId = serverId;
        this.name = names.object(serverId);
        this.namespace = settings.namespace();
        this.definition = definition;
        this.placement = placement;
        this.names = names;
        this.settings = settings;
        this.security = settings.podSecurity().podSecurity(definition.engine(), definition.container());
    }

    String name() {
        return name;
    }

    /** How the pod runs its image. */
    PodSecurity security() {
        return security;
    }

    /** Where clients in the cluster reach the server: the Service's DNS name and the main port. */
    Endpoint endpoint() {
        return new Endpoint(host(), definition.container().port());
    }

    /** The extra ports' endpoints, by the recipe's names. */
    Map<String, Endpoint> extraEndpoints() {
        Map<String, Endpoint> extra = new LinkedHashMap<>();
        definition.container().extraPorts().forEach((port, number) -> extra.put(port, new Endpoint(host(), number)));
        return extra;
    }

    private String host() {
        return name + "." + namespace + ".svc." + settings.clusterDomain();
    }

    private ObjectMeta meta() {
        return new ObjectMetaBuilder().withName(name).withNamespace(namespace)
                .withLabels(names.labels(serverId, definition.engine(), placement))
                .withAnnotations(names.annotations(serverId)).build();
    }

    /**
     * The Secret: the container's environment under the variables' names (but those the pod's
     * {@link PodSecurity} sets to plain paths), the recipe's files, and
     * the server's admin login ({@code host}, {@code port}, {@code username}, {@code password}),
     * for operators and the pod only. The admin may be a shared server's superuser, so the Secret
     * is no app's binding: of type {@code Opaque}, without the Service Binding {@code type} and
     * {@code provider} entries a binding needs, and labelled {@value #CREDENTIALS}={@value #ADMIN}
     * so that RBAC or admission policies can keep app workloads from reading or mounting it. An
     * app's own credentials come from {@code addons env}.
     */
    Secret secret() {
        Map<String, String> data = new LinkedHashMap<>(definition.container().environment());
        // Set in the pod spec instead: plain paths of the pod's layout, no secret.
        data.keySet().removeAll(security.environment().keySet());
        Endpoint endpoint = endpoint();
        Map<String, String> login = new LinkedHashMap<>();
        login.put("host", endpoint.host());
        login.put("port", Integer.toString(endpoint.port()));
        login.put("username", definition.adminUser());
        login.put("password", definition.adminPassword());
        login.forEach((key, value) -> {
            if (data.putIfAbsent(key, value) != null) {
                throw new IllegalStateException("the container environment of " + definition.engine()
                        + " has a variable named like the admin login's entry '" + key + "'");
            }
        });
        Map<String, String> files = new LinkedHashMap<>();
        List<ContainerFile> recipeFiles = definition.container().files();
        for (int i = 0; i < recipeFiles.size(); i++) {
            files.put(fileKey(i), Base64.getEncoder().encodeToString(recipeFiles.get(i).content()));
        }
        ObjectMeta meta = meta();
        meta.getLabels().put(CREDENTIALS, ADMIN);
        return new SecretBuilder().withMetadata(meta).withType("Opaque")
                .withStringData(data).withData(files.isEmpty() ? null : files).build();
    }

    /** The Secret's key of the recipe's file {@code index}: no variable's name has a dot. */
    private static String fileKey(int index) {
        return "addons.file." + index;
    }

    PersistentVolumeClaim claim() {
        return new PersistentVolumeClaimBuilder().withMetadata(meta())
                .withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName(settings.storageClass())
                .withNewResources().addToRequests("storage", new Quantity(settings.storageSize())).endResources()
                .endSpec().build();
    }

    StatefulSet statefulSet() {
        ContainerRecipe recipe = definition.container();
        List<EnvVar> env = new ArrayList<>();
        for (String variable : new java.util.TreeSet<>(recipe.environment().keySet())) {
            if (!security.environment().containsKey(variable)) {
                env.add(new EnvVarBuilder().withName(variable)
                        .withNewValueFrom().withNewSecretKeyRef(variable, name, false).endValueFrom().build());
            }
        }
        new java.util.TreeMap<>(security.environment()).forEach((variable, value) ->
                env.add(new EnvVarBuilder().withName(variable).withValue(value).build()));
        List<String> args = new ArrayList<>(recipe.command());
        args.addAll(security.arguments());
        Map<String, String> podLabels = names.labels(serverId, definition.engine(), placement);
        List<Container> initContainers = new ArrayList<>();
        List<Volume> volumes = new ArrayList<>();
        volumes.add(new VolumeBuilder().withName(DATA_VOLUME).withNewPersistentVolumeClaim(name, false).build());
        List<VolumeMount> mounts = new ArrayList<>();
        mounts.add(dataMount());
        for (String path : security.scratchPaths()) {
            volumes.add(new VolumeBuilder().withName(scratchVolume(path)).withNewEmptyDir().endEmptyDir().build());
            mounts.add(new VolumeMountBuilder().withName(scratchVolume(path)).withMountPath(path).build());
        }
        if (!recipe.files().isEmpty()) {
            initContainers.add(filesWriter(recipe));
            // Read by the init container only; the server's container never mounts it. The
            // kubelet gives the files to the pod's fsGroup, the engine's group, whose user the
            // init container runs as.
            volumes.add(new VolumeBuilder().withName("files").withNewSecret().withSecretName(name)
                    .withDefaultMode(0440).withItems(fileItems(recipe)).endSecret().build());
        }
        return new StatefulSetBuilder().withMetadata(meta())
                .withNewSpec().withReplicas(1).withServiceName(name)
                .withNewSelector().withMatchLabels(names.selector(serverId)).endSelector()
                .withNewTemplate()
                .withNewMetadata().withLabels(podLabels).withAnnotations(names.annotations(serverId)).endMetadata()
                .withNewSpec()
                // The server needs no API access, and service links would add variables of every
                // other Service in the namespace to its environment.
                .withAutomountServiceAccountToken(false).withEnableServiceLinks(false)
                .withSecurityContext(podSecurityContext())
                .withInitContainers(initContainers)
                .addNewContainer().withName(CONTAINER).withImage(recipe.image()).withArgs(args)
                .withPorts(containerPorts()).withEnv(env).withVolumeMounts(mounts)
                .withSecurityContext(containerSecurityContext())
                .endContainer()
                .withVolumes(volumes)
                .endSpec().endTemplate().endSpec().build();
    }

    /**
     * The init container that writes the recipe's files, as the container runtime does before a
     * start: the image's own shell, as the engine's user, copies each from the Secret into the
     * data volume with its mode, so that the file is the engine's. Only files in the data volume
     * can be written so, as only that outlives the init container.
     */
    private Container filesWriter(ContainerRecipe recipe) {
        List<String> steps = new ArrayList<>();
        for (int i = 0; i < recipe.files().size(); i++) {
            ContainerFile file = recipe.files().get(i);
            if (!file.path().startsWith(security.volumePath() + "/")) {
                throw new IllegalStateException("the Kubernetes runtime writes files into the data volume at "
                        + security.volumePath() + " only, not " + file.path() + " (" + definition.engine() + ")");
            }
            String target = shellQuoted(file.path());
            steps.add("cp " + FILES + "/" + fileKey(i) + " " + target + " && chmod " + Integer.toOctalString(file.mode())
                    + " " + target);
        }
        return new ContainerBuilder().withName("files").withImage(recipe.image())
                .withCommand("sh", "-c", String.join(" && ", steps))
                .addToVolumeMounts(dataMount())
                .addNewVolumeMount().withName("files").withMountPath(FILES).withReadOnly(true).endVolumeMount()
                .withSecurityContext(containerSecurityContext())
                .build();
    }

    /**
     * The data volume where the engine writes: its root, which the pod's fsGroup makes the
     * engine's group's to write in, where the engine makes its own data directory; for an image
     * addons does not know, a sub-directory of it, an empty directory where the root may hold
     * lost+found.
     */
    private VolumeMount dataMount() {
        return new VolumeMountBuilder().withName(DATA_VOLUME).withMountPath(security.volumePath())
                .withSubPath(security.volumeSubPath().isEmpty() ? null : security.volumeSubPath()).build();
    }

    /** The emptyDir volume's name for scratch directory {@code path}, e.g. {@code scratch-var-run-postgresql}. */
    static String scratchVolume(String path) {
        return "scratch-" + path.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    }

    /**
     * Every container of the pod runs as the image's user and group, never root; the volumes are
     * the group's ({@code OnRootMismatch}: the kubelet walks a volume only when its root is not
     * yet theirs); system calls go through the container runtime's default seccomp profile.
     */
    private PodSecurityContext podSecurityContext() {
        return new PodSecurityContextBuilder().withRunAsNonRoot(true)
                .withRunAsUser(security.runAs().uid()).withRunAsGroup(security.runAs().gid())
                .withFsGroup(security.runAs().gid()).withFsGroupChangePolicy("OnRootMismatch")
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .build();
    }

    /** No privilege, no capability, no gaining either through setuid files; the image's files read-only where it allows. */
    private SecurityContext containerSecurityContext() {
        return new SecurityContextBuilder().withRunAsNonRoot(true).withPrivileged(false)
                .withAllowPrivilegeEscalation(false)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .withReadOnlyRootFilesystem(security.readOnlyRootFilesystem())
                .build();
    }

    private static List<KeyToPath> fileItems(ContainerRecipe recipe) {
        List<KeyToPath> items = new ArrayList<>();
        for (int i = 0; i < recipe.files().size(); i++) {
            items.add(new KeyToPathBuilder().withKey(fileKey(i)).withPath(fileKey(i)).build());
        }
        return items;
    }

    private static String shellQuoted(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    Service service() {
        List<ServicePort> ports = new ArrayList<>();
        ports.add(new ServicePortBuilder().withName(MAIN_PORT).withPort(definition.container().port())
                .withTargetPort(new IntOrString(MAIN_PORT)).build());
        definition.container().extraPorts().forEach((port, number) -> ports.add(new ServicePortBuilder()
                .withName(portName(port)).withPort(number).withTargetPort(new IntOrString(portName(port))).build()));
        return new ServiceBuilder().withMetadata(meta())
                .withNewSpec().withType("ClusterIP").withSelector(names.selector(serverId)).withPorts(ports)
                .endSpec().build();
    }

    /**
     * The per-app private network: ingress to the server's pod only from the pods labelled with
     * its app and environment (for a shared server: pods labelled with any app), and from pods
     * labelled {@link #CONTROL_PLANE} with this home's id, on the server's ports.
     */
    NetworkPolicy networkPolicy() {
        NetworkPolicyPeerBuilder apps = new NetworkPolicyPeerBuilder();
        if (placement.isShared()) {
            apps.withNewPodSelector().addNewMatchExpression().withKey(KubernetesNames.APP).withOperator("Exists")
                    .endMatchExpression().endPodSelector();
        } else {
            apps.withNewPodSelector().withMatchLabels(Map.of(KubernetesNames.APP, placement.app(),
                    KubernetesNames.ENVIRONMENT, placement.environment())).endPodSelector();
        }
        NetworkPolicyPeer controlPlane = new NetworkPolicyPeerBuilder().withNewPodSelector()
                .withMatchLabels(Map.of(CONTROL_PLANE, names.selector(serverId).get(KubernetesNames.HOME)))
                .endPodSelector().build();
        List<NetworkPolicyPort> ports = new ArrayList<>();
        ports.add(new NetworkPolicyPortBuilder().withProtocol("TCP").withPort(new IntOrString(definition.container().port()))
                .build());
        definition.container().extraPorts().values().forEach(number -> ports.add(
                new NetworkPolicyPortBuilder().withProtocol("TCP").withPort(new IntOrString(number)).build()));
        return new NetworkPolicyBuilder().withMetadata(meta())
                .withNewSpec().withNewPodSelector().withMatchLabels(names.selector(serverId)).endPodSelector()
                .withPolicyTypes("Ingress")
                .addNewIngress().withFrom(apps.build(), controlPlane).withPorts(ports).endIngress()
                .endSpec().build();
    }

    private List<ContainerPort> containerPorts() {
        List<ContainerPort> ports = new ArrayList<>();
        ports.add(new ContainerPortBuilder().withName(MAIN_PORT).withContainerPort(definition.container().port()).build());
        definition.container().extraPorts().forEach((port, number) ->
                ports.add(new ContainerPortBuilder().withName(portName(port)).withContainerPort(number).build()));
        return ports;
    }

    /** A port name Kubernetes accepts: lower case letters, digits and dashes, at most 15. */
    static String portName(String name) {
        String cleaned = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("^-+|-+$", "");
        return cleaned.length() > 15 ? cleaned.substring(0, 15).replaceAll("-+$", "") : cleaned;
    }
}
