package dev.addons.kubernetes;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.concurrent.TimeUnit;

/**
 * The cluster the suite runs against: fabric8's mock API server in CRUD mode on 127.0.0.1 (the
 * default: it stores and returns objects, runs no controller and no pod), or, with
 * {@code -Daddons.kubernetes.test=kubeconfig}, the cluster of the current kubeconfig context, in
 * the namespace {@code -Daddons.kubernetes.test.namespace} (default: the context's own).
 */
final class TestCluster implements AutoCloseable {
    /** The switch: {@code kubeconfig} runs the suite against the current kubeconfig's cluster. */
    static final String SWITCH = "addons.kubernetes.test";

    private final KubernetesMockServer mock;

    private TestCluster(KubernetesMockServer mock) {
        this.mock = mock;
    }

    static TestCluster open() {
        String mode = System.getProperty(SWITCH, "mock");
        if (mode.equals("kubeconfig")) {
            return new TestCluster(null);
        }
        if (!mode.equals("mock")) {
            throw new IllegalArgumentException(SWITCH + " must be mock or kubeconfig, not '" + mode + "'");
        }
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        return new TestCluster(server);
    }

    boolean isMock() {
        return mock != null;
    }

    /** The mock's API URL, e.g. {@code http://127.0.0.1:40123/}. */
    String mockUrl() {
        return mock.url("/");
    }

    /** A new client of this cluster; a runtime given it closes it. */
    KubernetesClient newClient() {
        if (mock != null) {
            return mock.createClient();
        }
        return new KubernetesClientBuilder().build();
    }

    /** The namespace the suite's objects go to. */
    String namespace() {
        if (mock != null) {
            return "test";
        }
        String asked = System.getProperty(SWITCH + ".namespace");
        if (asked != null) {
            return asked;
        }
        try (KubernetesClient client = newClient()) {
            return client.getNamespace() == null ? "default" : client.getNamespace();
        }
    }

    /**
     * Makes the StatefulSet {@code name} report a ready replica as the controller would, once it
     * exists: on the mock, by setting its status; on a real cluster the controller does it, and
     * this only waits for it.
     */
    void driveReady(KubernetesClient client, String namespace, String name, long timeoutSeconds) {
        var resource = client.apps().statefulSets().inNamespace(namespace).withName(name);
        StatefulSet set = resource.waitUntilCondition(s -> s != null, timeoutSeconds, TimeUnit.SECONDS);
        if (mock == null) {
            return;
        }
        set.setStatus(new StatefulSetStatusBuilder().withReplicas(1).withReadyReplicas(1).withCurrentReplicas(1)
                .withAvailableReplicas(1).build());
        resource.updateStatus(set);
    }

    @Override
    public void close() {
        if (mock != null) {
            mock.destroy();
        }
    }
}
