package dev.addons.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.InvalidSpecException;
import dev.addons.core.Addons;
import dev.addons.core.runtime.RuntimeContext;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seam: addons-core finds this runtime by name through its factory, with its settings. */
class KubernetesRuntimeFactoryTest {
    @TempDir
    Path home;

    @Test
    void theRuntimeIsListedAfterTheBuiltInOneWhenThisModuleIsOnTheClassPath() {
        assertThat(Addons.runtimeNames()).containsExactly("process", "kubernetes");
        assertThatCode(() -> Addons.builder().runtime("kubernetes")).as("the builder checks the name at once")
                .doesNotThrowAnyException();
    }

    @Test
    void addonsAskedForTheKubernetesRuntimeByNameUsesItWithTheBuildersSettings() {
        try (TestCluster cluster = TestCluster.open()) {
            Assumptions.assumeTrue(cluster.isMock(), "points the client at the mock with fabric8's system properties");
            Map<String, String> client = new LinkedHashMap<>();
            client.put("kubernetes.master", cluster.mockUrl());
            client.put("kubernetes.auth.tryKubeConfig", "false");
            client.put("kubernetes.auth.tryServiceAccount", "false");
            client.forEach(System::setProperty);
            try (Addons addons = Addons.builder().home(home).runtime("kubernetes")
                    .runtimeSetting("kubernetes.namespace", "addons-test")
                    .runtimeSetting("kubernetes.readiness", "replicas").build()) {
                assertThat(addons.runtimeName()).isEqualTo("kubernetes");
                assertThat(addons.runtimeReason()).isEqualTo("asked for by name");
                assertThat(addons.listAll()).isEmpty();
            } finally {
                client.keySet().forEach(System::clearProperty);
            }
        }
    }

    @Test
    void badSettingsAreRefusedByNameWithWhatIsAllowed() {
        assertThatThrownBy(() -> KubernetesSettings.from(context(Map.of("kubernetes.storageSize", "lots"))))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("kubernetes.storageSize 'lots' is not allowed: use a size in Mi, Gi or Ti such as 1Gi");
        assertThatThrownBy(() -> KubernetesSettings.from(context(Map.of("kubernetes.namespace", "My_Space"))))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("kubernetes.namespace 'My_Space' is not allowed: use a DNS label such as addons");
        assertThatThrownBy(() -> KubernetesSettings.from(context(Map.of("kubernetes.readiness", "none"))))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("kubernetes.readiness 'none' is not allowed: use protocol or replicas");
    }

    @Test
    void settingsFallBackToSystemPropertiesAndReadinessIncludesTheProtocolCheckByDefault() {
        System.setProperty("addons.kubernetes.storageClass", "from-property");
        try {
            KubernetesSettings settings = KubernetesSettings.from(context(Map.of("kubernetes.namespace", "given")));

            assertThat(settings.namespace()).isEqualTo("given");
            assertThat(settings.storageClass()).isEqualTo("from-property");
            assertThat(settings.storageSize()).isEqualTo("1Gi");
            assertThat(settings.protocolCheck()).isTrue();
        } finally {
            System.clearProperty("addons.kubernetes.storageClass");
        }
    }

    @Test
    void objectNamesStayValidDnsLabelsForLongServerIdsAndDifferForDifferentIds() {
        KubernetesNames names = new KubernetesNames(home);
        String longId = "postgresql-shared-18-kubernetes." + "x".repeat(60);

        assertThat(names.object(longId)).hasSizeLessThanOrEqualTo(52).matches("[a-z]([-a-z0-9]*[a-z0-9])?");
        assertThat(names.object(longId)).isNotEqualTo(names.object(longId + "y"));
        assertThat(names.object("valkey-1")).matches("addons-[0-9a-f]{10}-valkey-1");
    }

    private RuntimeContext context(Map<String, String> settings) {
        return new RuntimeContext(home, home.resolve("cache"), settings);
    }
}
