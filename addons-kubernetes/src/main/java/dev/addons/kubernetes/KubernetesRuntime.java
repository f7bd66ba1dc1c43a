package dev.addons.kubernetes;

import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.core.runtime.Availability;
import dev.addons.core.runtime.Placement;
import dev.addons.core.runtime.ProgressListener;
import dev.addons.core.runtime.RunningServer;
import dev.addons.core.runtime.RuntimeContext;
import dev.addons.core.runtime.ServerRuntime;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code kubernetes} runtime: each server is a StatefulSet of one replica in a namespace, with
 * a PersistentVolumeClaim for its data, a Service whose cluster DNS name is the host handed to
 * apps ({@code <name>.<namespace>.svc.cluster.local}), a Secret its container takes every
 * variable from (never a plain value in the pod spec), and a NetworkPolicy admitting only its
 * app's pods. All are named {@code addons-<home id>-<server id>} and labelled with the home,
 * server, addon, app and environment (see {@link KubernetesNames}), so that a later process finds
 * them by label. The pod runs as its image's non-root user with no privilege (see {@link
 * PodSecurity}). Settings: see {@link KubernetesSettings}.
 *
 * <p>A server is ready when its StatefulSet reports a ready replica and then, unless
 * {@code kubernetes.readiness=replicas}, the provider's protocol check passes through the
 * Service's DNS name: the JVM running addons must be in the cluster, in a pod labelled
 * {@value ServerObjects#CONTROL_PLANE}{@code =<home id>} so that the NetworkPolicies admit it (the
 * providers create tenants through the same name).
 *
 * <p>Not offered here: restarting a server, engine tools (so backups), and the data-file swap;
 * they throw as {@link ServerRuntime} says. Thread-safe; owns its client and closes it.
 */
public final class KubernetesRuntime implements ServerRuntime {
    /** This runtime's name. */
    public static final String NAME = "kubernetes";

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesRuntime.class);
    private static final String NAMESPACE = "namespace";
    private static final String OBJECT = "object";
    private static final Duration CHECK_PAUSE = Duration.ofMillis(500);
    /**
     * The reasons a container waits that need someone's help; a first {@code ErrImagePull} is
     * not one of them, as a registry's hiccup passes.
     */
    private static final Set<String> STUCK = Set.of("ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull",
            "CreateContainerConfigError", "CrashLoopBackOff");

    private final KubernetesClient client;
    private final KubernetesNames names;
    private final KubernetesSettings settings;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * A runtime of {@code context}'s home on the cluster {@code client} talks to, with the
     * settings of {@code context}; it closes {@code client} when closed.
     */
    public KubernetesRuntime(RuntimeContext context, KubernetesClient client) {
        this.client = Objects.requireNonNull(client, "client == null");
        this.names = new KubernetesNames(context.home());
        KubernetesSettings read = KubernetesSettings.from(context);
        this.settings = read.namespace() != null ? read
                : read.inNamespace(client.getNamespace() != null ? client.getNamespace() : "default");
        if (!settings.protocolCheck()) {
            LOG.warn("{} - kubernetes.readiness=replicas: servers count as ready on a ready replica alone, with no"
                    + " protocol check; meant for the mock API server of tests", context.home());
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The namespace new servers' objects go to. */
    public String namespace() {
        return settings.namespace();
    }

    @Override
    public Availability availability(ServerDefinition definition) {
        return new Availability(Availability.State.DOWNLOADABLE, "image " + definition.container().image()
                + ", pulled by the cluster's nodes into namespace " + settings.namespace());
    }

    @Override
    public RunningServer start(String serverId, ServerDefinition definition, Placement placement,
            ProgressListener progress) {
        ServerObjects objects = new ServerObjects(serverId, definition, placement, names, settings);
        RunningServer server = new RunningServer(serverId, NAME, objects.endpoint(),
                Map.of(NAMESPACE, settings.namespace(), OBJECT, objects.name()), objects.extraEndpoints());
        LOG.info("{} - Starting {} as StatefulSet {} in namespace {}, running as {}{}", serverId, definition.engine(),
                objects.name(), settings.namespace(), objects.security().runAs(),
                objects.security().readOnlyRootFilesystem() ? " on a read-only root file system" : "");
        try {
            progress.step(serverId, "creating Secret, PersistentVolumeClaim, StatefulSet, Service and"
                    + " NetworkPolicy " + objects.name());
            for (HasMetadata object : List.of(objects.secret(), objects.claim(), objects.statefulSet(),
                    objects.service(), objects.networkPolicy())) {
                client.resource(object).inNamespace(settings.namespace()).create();
            }
            awaitReady(server, definition, progress);
            LOG.info("{} - Ready at {}", serverId, server.endpoint());
            return server;
        } catch (RuntimeException e) {
            try {
                destroy(server);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            if (e instanceof ProvisioningException) {
                throw e;
            }
            throw new ProvisioningException("Could not start " + definition.engine() + " server " + serverId
                    + " as StatefulSet " + objects.name() + " in namespace " + settings.namespace() + ": "
                    + e.getMessage(), e);
        }
    }

    private void awaitReady(RunningServer server, ServerDefinition definition, ProgressListener progress) {
        Instant deadline = Instant.now().plus(definition.startTimeout());
        progress.step(server.serverId(), "waiting for a ready replica");
        String pod = server.attribute(OBJECT) + "-0";
        while (!hasReadyReplica(statefulSet(server).get())) {
            Optional<String> stuck = stuck(server.attribute(NAMESPACE), pod);
            if (stuck.isPresent()) {
                throw new ProvisioningException("Pod " + pod + " of " + definition.engine() + " cannot start: "
                        + stuck.get() + "; see kubectl -n " + server.attribute(NAMESPACE) + " describe pod " + pod);
            }
            if (!Instant.now().isBefore(deadline)) {
                throw new ProvisioningException("StatefulSet " + server.attribute(OBJECT) + " had no ready replica"
                        + " within " + definition.startTimeout() + "; see kubectl -n " + server.attribute(NAMESPACE)
                        + " describe pod " + pod);
            }
            pause();
        }
        if (!settings.protocolCheck()) {
            return;
        }
        progress.step(server.serverId(), "checking " + definition.engine() + " through " + server.endpoint());
        ServerAccess access = new ServerAccess(server.serverId(), server.endpoint(), definition.adminUser(),
                definition.adminPassword(), server.extraEndpoints());
        Exception last = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                definition.readiness().check(access);
                return;
            } catch (Exception e) {
                last = e;
            }
            pause();
        }
        throw new ProvisioningException(definition.engine() + " at " + server.endpoint()
                + " did not pass its readiness check within " + definition.startTimeout()
                + " (is this JVM in the cluster, in a pod labelled " + ServerObjects.CONTROL_PLANE + "?)", last);
    }

    /**
     * Why the pod's container cannot start without someone's help (an image that cannot be
     * pulled, a container that keeps crashing), or empty while it may still start.
     */
    private Optional<String> stuck(String namespace, String pod) {
        Pod current = client.pods().inNamespace(namespace).withName(pod).get();
        if (current == null || current.getStatus() == null || current.getStatus().getContainerStatuses() == null) {
            return Optional.empty();
        }
        for (ContainerStatus status : current.getStatus().getContainerStatuses()) {
            ContainerStateWaiting waiting = status.getState() == null ? null : status.getState().getWaiting();
            if (waiting != null && STUCK.contains(waiting.getReason())) {
                return Optional.of(waiting.getReason()
                        + (waiting.getMessage() == null ? "" : " (" + waiting.getMessage() + ")"));
            }
        }
        return Optional.empty();
    }

    private static boolean hasReadyReplica(StatefulSet set) {
        return set != null && set.getStatus() != null && set.getStatus().getReadyReplicas() != null
                && set.getStatus().getReadyReplicas() >= 1;
    }

    private static void pause() {
        try {
            Thread.sleep(CHECK_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisioningException("interrupted while checking a server's readiness", e);
        }
    }

    private io.fabric8.kubernetes.client.dsl.RollableScalableResource<StatefulSet> statefulSet(RunningServer server) {
        return client.apps().statefulSets().inNamespace(server.attribute(NAMESPACE)).withName(server.attribute(OBJECT));
    }

    /** The objects of the five kinds this runtime makes in {@code namespace} that carry {@code labels}. */
    static List<HasMetadata> labelled(KubernetesClient client, String namespace, Map<String, String> labels) {
        return Stream.of(
                client.apps().statefulSets().inNamespace(namespace).withLabels(labels).list().getItems(),
                client.services().inNamespace(namespace).withLabels(labels).list().getItems(),
                client.secrets().inNamespace(namespace).withLabels(labels).list().getItems(),
                client.persistentVolumeClaims().inNamespace(namespace).withLabels(labels).list().getItems(),
                client.network().v1().networkPolicies().inNamespace(namespace).withLabels(labels).list().getItems())
                .<HasMetadata>flatMap(List::stream).toList();
    }

    /** Whether the StatefulSet is there and asks for its replica (a replica restarting still counts). */
    @Override
    public boolean isRunning(RunningServer server) {
        StatefulSet set = statefulSet(server).get();
        return set != null && set.getSpec() != null && Objects.equals(set.getSpec().getReplicas(), 1);
    }

    /**
     * Deletes the server's five objects, its claim (so its data) included; the cluster ends the
     * pod and frees the volume after this returns. Idempotent.
     */
    @Override
    public void destroy(RunningServer server) {
        if (!server.runtime().equals(NAME)) {
            throw new IllegalArgumentException("server " + server.serverId() + " runs on " + server.runtime());
        }
        String namespace = server.attribute(NAMESPACE);
        String object = server.attribute(OBJECT);
        try {
            deleteObjects(namespace, Map.of(KubernetesNames.SERVER, object));
        } catch (KubernetesClientException e) {
            throw new ProvisioningException("Could not delete the objects of server " + server.serverId() + " ("
                    + object + " in namespace " + namespace + "): " + e.getMessage(), e);
        }
        LOG.info("{} - Deleted StatefulSet, Service, Secret, NetworkPolicy and claim {}", server.serverId(), object);
    }

    private void deleteObjects(String namespace, Map<String, String> labels) {
        Map<String, String> selector = new java.util.HashMap<>(names.home());
        selector.putAll(labels);
        // The StatefulSet first, so that nothing recreates a pod on the claim being deleted.
        client.apps().statefulSets().inNamespace(namespace).withLabels(selector).delete();
        client.network().v1().networkPolicies().inNamespace(namespace).withLabels(selector).delete();
        client.services().inNamespace(namespace).withLabels(selector).delete();
        client.secrets().inNamespace(namespace).withLabels(selector).delete();
        client.persistentVolumeClaims().inNamespace(namespace).withLabels(selector).delete();
    }

    /**
     * Lists this home's objects in the namespace by label, then deletes every object of a server
     * {@code isKnown} rejects, whatever kind is left of it (a start that died half-way leaves
     * some). Returns the ids removed.
     */
    @Override
    public List<String> removeStrays(Predicate<String> isKnown) {
        Map<String, String> home = names.home();
        String namespace = settings.namespace();
        List<HasMetadata> held = labelled(client, namespace, home);
        Map<String, String> objectByServer = new java.util.TreeMap<>();
        for (HasMetadata object : held) {
            Map<String, String> annotations = object.getMetadata().getAnnotations();
            String serverId = annotations == null ? null : annotations.get(KubernetesNames.SERVER_ID);
            String label = object.getMetadata().getLabels().get(KubernetesNames.SERVER);
            if (label != null) {
                objectByServer.putIfAbsent(serverId != null ? serverId : label, label);
            }
        }
        List<String> removed = new ArrayList<>();
        objectByServer.forEach((serverId, object) -> {
            if (!isKnown.test(serverId)) {
                LOG.warn("{} - Removing the objects of a server no record knows: {} in namespace {}", serverId, object,
                        namespace);
                deleteObjects(namespace, Map.of(KubernetesNames.SERVER, object));
                removed.add(serverId);
            }
        });
        return List.copyOf(new TreeSet<>(removed));
    }


    @Override
    public void close() {
        if (!closed.getAndSet(true)) {
            client.close();
        }
    }

    @Override
    public String toString() {
        return "KubernetesRuntime[namespace=" + settings.namespace() + "]";
    }
}
