package dev.addons.kubernetes;

import dev.addons.api.ProvisioningException;
import dev.addons.core.runtime.RuntimeContext;
import dev.addons.core.runtime.RuntimeFactory;
import dev.addons.core.runtime.ServerRuntime;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Makes the {@code kubernetes} runtime with a client configured as {@code kubectl} is: the
 * current context of {@code $KUBECONFIG} or {@code ~/.kube/config}, or the pod's service account
 * when running in a cluster. Found through {@code META-INF/services}, so {@code runtime =
 * "kubernetes"} works wherever {@code dev.addons:addons-kubernetes} is on the class path.
 */
public final class KubernetesRuntimeFactory implements RuntimeFactory {
    @Override
    public String name() {
        return KubernetesRuntime.NAME;
    }

    @Override
    public ServerRuntime create(RuntimeContext context) {
        KubernetesClient client;
        try {
            client = new KubernetesClientBuilder().build();
        } catch (KubernetesClientException e) {
            throw new ProvisioningException("The kubernetes runtime found no cluster to talk to (kubeconfig or"
                    + " service account): " + e.getMessage(), e);
        }
        try {
            return new KubernetesRuntime(context, client);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }
}
