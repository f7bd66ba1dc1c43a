package dev.addons.kubernetes;

import dev.addons.api.InvalidSpecException;
import dev.addons.core.runtime.RuntimeContext;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The settings of the kubernetes runtime, read from {@link RuntimeContext#setting} (the builder's
 * {@code runtimeSetting}, else the system property {@code addons.<name>}):
 * <ul>
 *   <li>{@code kubernetes.namespace}: where servers' objects go; default the current context's
 *       namespace in kubeconfig (or the pod's own, in a cluster), else {@code default};</li>
 *   <li>{@code kubernetes.storageClass}: the StorageClass of data claims; default the cluster's
 *       default class;</li>
 *   <li>{@code kubernetes.storageSize}: each data claim's request; default {@code 1Gi};</li>
 *   <li>{@code kubernetes.clusterDomain}: the suffix of Service names; default {@code cluster.local};</li>
 *   <li>{@code kubernetes.readiness}: {@code protocol} (the default: the StatefulSet has a ready
 *       replica, then the provider's check through the Service's DNS name, which only a JVM in
 *       the cluster reaches) or {@code replicas} (the ready replica alone: for the mock API
 *       server of the tests, where no server runs; never the default);</li>
 *   <li>{@code kubernetes.runAs[.<engine>]} and {@code kubernetes.readOnlyRootFilesystem[.<engine>]}:
 *       how servers' pods run images other than the official ones, see {@link PodSecuritySettings}.</li>
 * </ul>
 * Bad values are refused by name with what is allowed. Immutable.
 *
 * @param namespace     the namespace; {@code null} for the client's own
 * @param storageClass  the storage class; {@code null} for the cluster's default
 * @param storageSize   a quantity such as {@code 1Gi}
 * @param clusterDomain e.g. {@code cluster.local}
 * @param protocolCheck whether readiness includes the provider's protocol check
 * @param podSecurity   the users and root file systems set for images
 */
record KubernetesSettings(String namespace, String storageClass, String storageSize, String clusterDomain,
        boolean protocolCheck, PodSecuritySettings podSecurity) {
    static final String NAMESPACE = "kubernetes.namespace";
    static final String STORAGE_CLASS = "kubernetes.storageClass";
    static final String STORAGE_SIZE = "kubernetes.storageSize";
    static final String CLUSTER_DOMAIN = "kubernetes.clusterDomain";
    static final String READINESS = "kubernetes.readiness";

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    private static final Pattern QUANTITY = Pattern.compile("[1-9][0-9]*(Mi|Gi|Ti)");

    KubernetesSettings {
        Objects.requireNonNull(storageSize, "storageSize == null");
        Objects.requireNonNull(clusterDomain, "clusterDomain == null");
        Objects.requireNonNull(podSecurity, "podSecurity == null");
        check(NAMESPACE, namespace, DNS_LABEL, "a DNS label such as addons");
        check(STORAGE_CLASS, storageClass, DNS_SUBDOMAIN, "a StorageClass name such as standard");
        check(STORAGE_SIZE, storageSize, QUANTITY, "a size in Mi, Gi or Ti such as 1Gi");
        check(CLUSTER_DOMAIN, clusterDomain, DNS_SUBDOMAIN, "a domain such as cluster.local");
    }

    static KubernetesSettings from(RuntimeContext context) {
        String readiness = context.setting(READINESS).orElse("protocol").toLowerCase(Locale.ROOT);
        if (!readiness.equals("protocol") && !readiness.equals("replicas")) {
            throw new InvalidSpecException(READINESS + " '" + readiness + "' is not allowed: use protocol or replicas");
        }
        return new KubernetesSettings(context.setting(NAMESPACE).orElse(null),
                context.setting(STORAGE_CLASS).orElse(null), context.setting(STORAGE_SIZE).orElse("1Gi"),
                context.setting(CLUSTER_DOMAIN).orElse("cluster.local"), readiness.equals("protocol"),
                PodSecuritySettings.from(context));
    }

    /** These settings in {@code namespace}. */
    KubernetesSettings inNamespace(String namespace) {
        return new KubernetesSettings(namespace, storageClass, storageSize, clusterDomain, protocolCheck, podSecurity);
    }

    private static void check(String name, String value, Pattern pattern, String allowed) {
        if (value != null && !pattern.matcher(value).matches()) {
            throw new InvalidSpecException(name + " '" + value + "' is not allowed: use " + allowed);
        }
    }
}
