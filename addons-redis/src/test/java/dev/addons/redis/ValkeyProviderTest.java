package dev.addons.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.Credentials;
import dev.addons.api.Endpoint;
import dev.addons.api.Variable;
import dev.addons.api.Variant;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.BinaryDistribution;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.ProcessRecipe;
import dev.addons.api.spi.ProcessRecipe.StopSignal;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.api.spi.ServerRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.util.JedisURIHelper;

class ValkeyProviderTest {

    private static final String PASSWORD = "AdminPassword0123456789abcdefXYZ";

    private final ValkeyProvider provider = new ValkeyProvider();

    @Test
    void describesItselfAsTheAddonsDocumentationSays() {
        assertThat(provider.descriptor().name()).isEqualTo("valkey");
        assertThat(provider.descriptor().aliases()).containsExactly("redis");
        assertThat(provider.descriptor().description()).isEqualTo("Managed Valkey key-value store (Redis-compatible)");
        assertThat(provider.descriptor().versions()).containsExactly("7", "8", "9");
        assertThat(provider.descriptor().defaultVersion()).isEqualTo("9");
        assertThat(provider.descriptor().variants()).containsExactly(new Variant("small", "Dedicated server", false));
    }

    @Test
    void isFoundThroughTheServiceLoader() {
        assertThat(ServiceLoader.load(AddonProvider.class, getClass().getClassLoader()).stream()
                .map(ServiceLoader.Provider::type)).contains(ValkeyProvider.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"7", "8", "9"})
    void everyVersionRunsFromAValkeyServerOfThatMajorOrTheOfficialImage(String version) {
        ServerDefinition definition = provider.server(serverRequest(version, PASSWORD));
        ProcessRecipe process = definition.processRecipe().orElseThrow();
        BinaryDistribution valkey = process.binaries();

        assertThat(definition.adminUser()).isEqualTo("default");
        assertThat(valkey.requiredBinaries()).containsExactly("valkey-server");
        assertThat(valkey.hostSearchPath()).containsExactly(Path.of("/usr/local/bin"), Path.of("/usr/bin"));
        assertThat(valkey.downloadIfAny()).isEmpty();
        assertThat(valkey.versionProbe().arguments()).containsExactly("--version");
        assertThat(valkey.versionProbe().expected()).isEqualTo(version);
        assertThat(valkey.versionProbe().versionIn("Valkey server v=" + version + ".0.1 sha=00000000:0 bits=64"))
                .contains(version + ".0.1");
        assertThat(process.stopSignal()).isEqualTo(StopSignal.TERM);
        assertThat(process.destroySignal()).isEqualTo(StopSignal.KILL);
        assertThat(definition.container().image()).isEqualTo("valkey/valkey:" + version);
        assertThat(definition.container().port()).isEqualTo(6379);
        assertThat(definition.container().environment()).isEmpty();
        assertThat(definition.container().command()).containsExactly("valkey-server", "/data/addons-valkey.conf");
        assertThat(definition.container().files()).singleElement().satisfies(file -> {
            assertThat(file.path()).isEqualTo("/data/addons-valkey.conf");
            assertThat(file.mode()).isEqualTo(0600);
            assertThat(new String(file.content(), StandardCharsets.UTF_8))
                    .contains("\nrequirepass \"" + PASSWORD + "\"\n");
            assertThat(file.toString()).doesNotContain(PASSWORD);
        });
        assertThat(definition.toString()).doesNotContain(PASSWORD);
        assertThat(definition.container().toString()).doesNotContain(PASSWORD);
    }

    @Test
    void onlyVersion7MayAlsoRunFromARedisServer7() {
        ProcessRecipe seven = provider.server(serverRequest("7", PASSWORD)).processRecipe().orElseThrow();
        BinaryDistribution redis = seven.alternatives().get(0);

        assertThat(seven.candidates()).hasSize(2);
        assertThat(redis.requiredBinaries()).containsExactly("redis-server");
        assertThat(redis.versionProbe().expected()).isEqualTo("7");
        assertThat(redis.versionProbe().versionIn("Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0"))
                .contains("7.0.15");
        for (String later : List.of("8", "9")) {
            assertThat(provider.server(serverRequest(later, PASSWORD)).processRecipe().orElseThrow()
                    .alternatives()).as("alternatives of %s", later).isEmpty();
        }
    }

    @Test
    void aFullImageReferenceRunsAsAContainerOnly() {
        ServerDefinition definition = provider.server(serverRequest("registry.example.com/valkey:8-custom", PASSWORD));

        assertThat(definition.processRecipe()).isEmpty();
        assertThat(definition.container().image()).isEqualTo("registry.example.com/valkey:8-custom");
    }

    @Test
    void theConfigurationBindsLoopbackRequiresThePasswordAndSnapshotsIntoTheDataDirectory() {
        String config = ValkeyProcess.config(new Endpoint("127.0.0.1", 41234), Path.of("/srv/my \"addons\"/data"),
                PASSWORD);

        assertThat(config.lines()).contains(
                "bind 127.0.0.1",
                "port 41234",
                "protected-mode yes",
                "daemonize no",
                "requirepass \"" + PASSWORD + "\"",
                "dir \"/srv/my \\\"addons\\\"/data\"",
                "dbfilename dump.rdb",
                "save 3600 1 300 100 60 10000",
                "appendonly no",
                "maxmemory 256mb",
                "maxmemory-policy noeviction",
                "enable-protected-configs no",
                "enable-debug-command no",
                "enable-module-command no");
        assertThat(config).doesNotContain("unixsocket ");
        assertThatThrownBy(() -> ValkeyProcess.quote("two\nlines")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theVariablesAreTheValkeyFourThenTheRedisFourWithTheSecretsMarked() {
        Credentials vars = provider.credentials(Binding.of("password", PASSWORD, "server", "redis",
                "serverVersion", "7.0.15"), new Endpoint("127.0.0.1", 41234));

        assertThat(vars.variables()).containsExactly(
                Variable.secret("VALKEY_URL", "redis://:" + PASSWORD + "@127.0.0.1:41234"),
                Variable.plain("VALKEY_HOST", "127.0.0.1"),
                Variable.plain("VALKEY_PORT", "41234"),
                Variable.secret("VALKEY_PASSWORD", PASSWORD),
                Variable.secret("REDIS_URL", "redis://:" + PASSWORD + "@127.0.0.1:41234"),
                Variable.plain("REDIS_HOST", "127.0.0.1"),
                Variable.plain("REDIS_PORT", "41234"),
                Variable.secret("REDIS_PASSWORD", PASSWORD));
        assertThat(vars.toString()).doesNotContain(PASSWORD);
    }

    @Test
    void theUrlPercentEncodesThePasswordAndBracketsAnIpv6Host() {
        String awkward = "p@ss:w/rd %+";
        Credentials vars = provider.credentials(Binding.of("password", awkward), new Endpoint("::1", 6379));
        URI url = URI.create(vars.get("REDIS_URL").orElseThrow());

        assertThat(url.toString()).isEqualTo("redis://:p%40ss%3Aw%2Frd%20%25%2B@[::1]:6379");
        assertThat(JedisURIHelper.getPassword(url)).isEqualTo(awkward);
        assertThat(url.getHost()).isEqualTo("[::1]");
        assertThat(url.getPort()).isEqualTo(6379);
    }

    @Test
    void infoServerTellsValkeyFromRedis() {
        assertThat(ValkeyAdmin.parse("# Server\r\nredis_version:7.2.4\r\nserver_name:valkey\r\n"
                + "valkey_version:8.0.1\r\nredis_mode:standalone\r\n"))
                .isEqualTo(new ValkeyAdmin.ServerInfo("valkey", "8.0.1"));
        assertThat(ValkeyAdmin.parse("# Server\r\nredis_version:7.0.15\r\nredis_git_sha1:00000000\r\n"))
                .isEqualTo(new ValkeyAdmin.ServerInfo("redis", "7.0.15"));
    }

    private static ServerRequest serverRequest(String version, String adminPassword) {
        return ServerRequest.builder(version).adminPassword(adminPassword).build();
    }
}
