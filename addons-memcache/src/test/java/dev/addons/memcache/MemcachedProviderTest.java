package dev.addons.memcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.addons.api.Credentials;
import dev.addons.api.Endpoint;
import dev.addons.api.ProvisioningException;
import dev.addons.api.Variable;
import dev.addons.api.Variant;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.BackupCapability;
import dev.addons.api.spi.BinaryDistribution;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.ProcessContext;
import dev.addons.api.spi.ProcessRecipe;
import dev.addons.api.spi.ProcessRecipe.StopSignal;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.api.spi.ServerRequest;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MemcachedProviderTest {

    private static final Binding BINDING = Binding.of("username", "memcached", "password", "pw/with:signs",
            "serverVersion", "1.6.18");

    private final MemcachedProvider provider = new MemcachedProvider();

    @Test
    void describesItselfAsTheAddonsDocumentationSays() {
        assertThat(provider.descriptor().name()).isEqualTo("memcached");
        assertThat(provider.descriptor().aliases()).containsExactly("memcache");
        assertThat(provider.descriptor().description()).isEqualTo("Managed Memcached in-memory cache");
        assertThat(provider.descriptor().versions()).containsExactly("1.5", "1.6");
        assertThat(provider.descriptor().defaultVersion()).isEqualTo("1.6");
        assertThat(provider.descriptor().variants()).containsExactly(new Variant("small", "Dedicated server", false));
    }

    @Test
    void everyVariableSetIsDeclaredAndTheUrlMarksAnInjectedAddon() {
        Credentials credentials = provider.credentials(BINDING, new Endpoint("127.0.0.1", 11311));

        assertThat(provider.variables()).hasValueSatisfying(declared -> {
            assertThat(declared.names()).containsExactlyElementsOf(credentials.toMap().keySet());
            assertThat(declared.markers()).containsExactly("MEMCACHE_URL");
        });
        assertThat(provider.jdbcUrl()).isEmpty();
        assertThat(provider.springBootProperties(credentials)).isEmpty();
    }

    @Test
    void isFoundThroughTheServiceLoader() {
        assertThat(ServiceLoader.load(AddonProvider.class, getClass().getClassLoader()).stream()
                .map(ServiceLoader.Provider::type)).contains(MemcachedProvider.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5", "1.6"})
    void everyVersionRunsFromAMemcachedReportingItOrTheOfficialImage(String version) {
        ServerDefinition definition = provider.server(serverRequest(version, "unused-password"));
        ProcessRecipe process = definition.processRecipe().orElseThrow();
        BinaryDistribution binaries = process.binaries();

        assertThat(process.alternatives()).isEmpty();
        assertThat(binaries.requiredBinaries()).containsExactly("memcached");
        assertThat(binaries.hostSearchPath()).containsExactly(Path.of("/usr/local/bin"), Path.of("/usr/bin"));
        assertThat(binaries.downloadIfAny()).isEmpty();
        assertThat(binaries.versionProbe().arguments()).containsExactly("-V");
        assertThat(binaries.versionProbe().versionIn("memcached " + version + ".7")).contains(version + ".7");
        assertThat(binaries.versionProbe().accepts(version + ".7")).isTrue();
        assertThat(process.stopSignal()).isEqualTo(StopSignal.TERM);
        assertThat(process.destroySignal()).isEqualTo(StopSignal.KILL);
        assertThat(definition.container().image()).isEqualTo("memcached:" + version);
        assertThat(definition.container().port()).isEqualTo(11211);
    }

    @Test
    void theServerRequiresSaslAndListensOnTheLoopbackEndpointOverTcpOnly() {
        ProcessContext context = new FixedContext(Path.of("/usr/bin/memcached"), new Endpoint("127.0.0.1", 41234));

        assertThat(MemcachedProcess.command(context)).containsExactly("/usr/bin/env", "SASL_CONF_PATH=/srv/m/run",
                "/usr/bin/memcached", "-S", "-l", "127.0.0.1", "-p", "41234", "-U", "0", "-m", "64", "-c", "1024");
        assertThat(MemcachedProcess.saslConfig(Path.of("/srv/m/run/memcached.sasldb")))
                .isEqualTo("mech_list: plain\nsasldb_path: /srv/m/run/memcached.sasldb\n");
    }

    @Test
    void theContainerGetsItsUserThroughItsEnvironmentAndItsPasswordIsOnNoCommandLine() {
        ServerDefinition definition = provider.server(serverRequest("1.6", "s3cret-password"));

        assertThat(definition.adminUser()).isEqualTo("memcached");
        assertThat(definition.container().environment()).containsOnly(
                entry("ADDONS_MEMCACHED_USER", "memcached"), entry("ADDONS_MEMCACHED_PASSWORD", "s3cret-password"));
        assertThat(definition.container().command()).containsExactly("sh", "-c", MemcachedContainer.SCRIPT);
        assertThat(MemcachedContainer.SCRIPT).doesNotContain("s3cret-password")
                .contains("printf 'mech_list: plain\\n'", "unset ADDONS_MEMCACHED_PASSWORD",
                        "MEMCACHED_SASL_PWDB=\"$dir/pwdb\"", "exec memcached -S -U 0 -m 64 -c 1024");
        assertThat(definition.toString()).doesNotContain("s3cret-password");
        assertThat(definition.container().toString()).doesNotContain("s3cret-password");
    }

    @Test
    void anImageReferenceHasNoProcessRecipe() {
        assertThat(provider.server(serverRequest("registry.example.com/memcached:1.6-x", "unused-password"))
                .processRecipe()).isEmpty();
    }

    @Test
    void theEndOfLifeVersion14IsDeclaredRetiredWithWhy() {
        assertThat(provider.descriptor().retired()).containsOnlyKeys("1.4").containsValue(
                "it is end-of-life (its last release, 1.4.39, dates from 2017) and no longer offered");
    }

    @Test
    void theVariablesCarryTheUserAndItsPasswordTheUrlAndPasswordSensitive() {
        Credentials vars = provider.credentials(BINDING, new Endpoint("127.0.0.1", 41234));

        assertThat(vars.variables()).containsExactly(
                Variable.secret("MEMCACHE_URL", "memcache://memcached:pw%2Fwith%3Asigns@127.0.0.1:41234"),
                Variable.plain("MEMCACHE_HOST", "127.0.0.1"),
                Variable.plain("MEMCACHE_PORT", "41234"),
                Variable.plain("MEMCACHE_USERNAME", "memcached"),
                Variable.secret("MEMCACHE_PASSWORD", "pw/with:signs"));
        assertThat(vars.serviceBinding().entries()).containsEntry("type", "memcached")
                .containsEntry("username", "memcached").containsEntry("password", "pw/with:signs")
                .containsEntry("uri", "memcache://memcached:pw%2Fwith%3Asigns@127.0.0.1:41234");
        assertThat(vars.toString()).doesNotContain("pw/with:signs", "pw%2Fwith%3Asigns");
        assertThat(vars.variables().get(0).toString()).doesNotContain("pw%2Fwith%3Asigns");
    }

    @Test
    void anIpv6HostIsBracketedInTheUrl() {
        URI url = URI.create(provider.credentials(BINDING, new Endpoint("::1", 11211))
                .get("MEMCACHE_URL").orElseThrow());

        assertThat(url.toString()).isEqualTo("memcache://memcached:pw%2Fwith%3Asigns@[::1]:11211");
        assertThat(url.getHost()).isEqualTo("[::1]");
        assertThat(url.getPort()).isEqualTo(11211);
    }

    @Test
    void aBindingFromBeforeAuthenticationIsRefusedSayingWhatToDo() {
        assertThatThrownBy(() -> provider.credentials(Binding.of("serverVersion", "1.6.18"),
                new Endpoint("127.0.0.1", 11211)))
                .isInstanceOf(ProvisioningException.class)
                .hasMessage("This memcached addon was made without a SASL user (by an earlier addons) and its server"
                        + " now requires authentication: replace it by a new one, which has a user (a cache keeps nothing"
                        + " durable, so nothing is lost that the app cannot rebuild)");
    }

    /** A process context that only knows the binary and the endpoint. */
    private record FixedContext(Path memcached, Endpoint endpoint) implements ProcessContext {
        @Override
        public Path binary(String name) {
            return memcached;
        }

        @Override
        public Path dataDirectory() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Path runDirectory() {
            return Path.of("/srv/m/run");
        }

        @Override
        public Path writePrivateFile(String name, String content) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void run(List<String> command) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void aCacheHasNoBackups() {
        assertThat(provider.capability(BackupCapability.class)).isEmpty();
    }

    private static ServerRequest serverRequest(String version, String adminPassword) {
        return ServerRequest.builder(version).adminPassword(adminPassword).build();
    }
}
