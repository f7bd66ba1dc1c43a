package dev.addons.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.Credentials;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.Status;
import dev.addons.api.Variable;
import dev.addons.api.Variant;
import dev.addons.core.AddonInfo;
import dev.addons.core.Addons;
import dev.addons.core.AppFile;
import dev.addons.core.VersionInfo;
import dev.addons.core.runtime.Availability;
import dev.addons.testkit.ServerProcesses;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The whole SDK with the valkey addon on the process runtime: the facade, the state store, the
 * runtime and the provider, used with Jedis through nothing but the injected variables. On
 * Debian 12 the host serves Valkey 7 with {@code redis-server} 7.0 and cannot serve 8 or 9. What
 * every engine shows on every runtime is in {@link ValkeyOnProcessTest} and {@link ValkeyOnContainerTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ValkeyEndToEndTest {
    @TempDir
    static Path home;

    Addons addons;
    final List<String> transitions = new ArrayList<>();

    @BeforeAll
    void open() {
        addons = Addons.builder().home(home).runtime("process")
                .listener((r, from) -> {
                    synchronized (transitions) {
                        transitions.add(r.app() + ":" + from + "->" + r.status());
                    }
                })
                .build();
    }

    @AfterAll
    void destroyEverythingAndCheckNothingIsLeft() throws IOException {
        for (AddonRecord record : addons.listAll()) {
            addons.app(record.app(), record.environment()).destroy(record.addon());
        }
        addons.close();
        assertThat(ServerProcesses.under(home)).isEmpty();
        try (Stream<Path> servers = Files.list(Files.createDirectories(home.resolve("servers")))) {
            assertThat(servers).isEmpty();
        }
    }

    @Test
    void theAliasGetsADedicatedServerThroughTheLifecycleWithBothSetsOfVariablesAndServesRealWork() {
        AddonRecord record = addons.app("blog", "production").create(AddonSpec.of("redis").withVersion("7"));

        assertThat(record.status()).isEqualTo(Status.ACTIVE);
        assertThat(record.addon()).isEqualTo("valkey");
        assertThat(record.variant()).isEqualTo("small");
        synchronized (transitions) {
            assertThat(transitions).containsSubsequence("blog:null->PENDING", "blog:PENDING->PROVISIONING",
                    "blog:PROVISIONING->ACTIVE");
        }
        Credentials vars = addons.app("blog", "production").env();
        int port = Integer.parseInt(vars.get("REDIS_PORT").orElseThrow());
        String password = vars.get("REDIS_PASSWORD").orElseThrow();
        String url = "redis://:" + password + "@127.0.0.1:" + port;
        assertThat(vars.variables()).containsExactly(
                Variable.secret("VALKEY_URL", url),
                Variable.plain("VALKEY_HOST", "127.0.0.1"),
                Variable.plain("VALKEY_PORT", Integer.toString(port)),
                Variable.secret("VALKEY_PASSWORD", password),
                Variable.secret("REDIS_URL", url),
                Variable.plain("REDIS_HOST", "127.0.0.1"),
                Variable.plain("REDIS_PORT", Integer.toString(port)),
                Variable.secret("REDIS_PASSWORD", password));
        assertThat(password).matches("[A-Za-z0-9]{32}");

        try (Jedis jedis = new Jedis(URI.create(vars.get("REDIS_URL").orElseThrow()))) {
            jedis.set("post:1:title", "hello");
            jedis.hset("post:1", Map.of("author", "ann", "likes", "0"));
            assertThat(jedis.get("post:1:title")).isEqualTo("hello");
            assertThat(jedis.hincrBy("post:1", "likes", 3)).isEqualTo(3);
            assertThat(jedis.incr("posts")).isEqualTo(1);
        }
    }

    @Test
    void twoAppsGetSeparateServersAndNeitherPasswordOpensTheOther() {
        addons.app("alpha", "production").create(AddonSpec.of("valkey").withVersion("7"));
        addons.app("beta", "production").create(AddonSpec.of("valkey").withVersion("7"));
        Map<String, String> alpha = addons.app("alpha", "production").env().toMap();
        Map<String, String> beta = addons.app("beta", "production").env().toMap();

        assertThat(alpha.get("VALKEY_PORT")).isNotEqualTo(beta.get("VALKEY_PORT"));
        assertThat(alpha.get("VALKEY_PASSWORD")).isNotEqualTo(beta.get("VALKEY_PASSWORD"));
        try (Jedis a = new Jedis(URI.create(alpha.get("VALKEY_URL")));
                Jedis b = new Jedis(URI.create(beta.get("VALKEY_URL")))) {
            a.set("secret", "alpha only");
            assertThat(b.get("secret")).isNull();
            assertThat(b.dbSize()).isZero();
            assertThat(a.get("secret")).isEqualTo("alpha only");
        }
        try (Jedis alphaServer = new Jedis("127.0.0.1", Integer.parseInt(alpha.get("VALKEY_PORT")))) {
            assertThatThrownBy(() -> alphaServer.auth(beta.get("VALKEY_PASSWORD")))
                    .isInstanceOf(JedisDataException.class).hasMessageStartingWith("WRONGPASS");
            assertThatThrownBy(alphaServer::ping).isInstanceOf(JedisDataException.class)
                    .hasMessageStartingWith("NOAUTH");
        }
        addons.app("alpha", "production").destroy("valkey");
        addons.app("beta", "production").destroy("valkey");
    }

    @Test
    void versionsTheHostCannotServeAreRefusedBeforeAnythingStartsSayingWhatItHasAndWhatToDo() throws IOException {
        for (AddonSpec spec : List.of(AddonSpec.of("valkey").withVersion("8"), AddonSpec.of("valkey").withVersion("9"))) {
            String version = spec.versionIfSet().orElseThrow();
            assertThatThrownBy(() -> addons.app("later", "production").create(spec))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessageStartingWith("valkey version '" + version + "' cannot run on the process runtime: Valkey "
                            + version + ": [valkey-server] not found in [/usr/local/bin, /usr/bin] and no download is"
                            + " offered. Install them there, or use the container runtime (runtime = \"container\", --runtime container)."
                            + " Here the process runtime can run valkey 7 (installed: /usr/bin: redis-server 7.")
                    .hasMessageEndingWith("): use --version 7, or version = \"7\" in the app file.");
        }
        assertThat(addons.app("later", "production").list()).isEmpty();
        try (Stream<Path> servers = Files.list(Files.createDirectories(home.resolve("servers")))) {
            assertThat(servers.filter(p -> p.getFileName().toString().contains("-later-"))).isEmpty();
        }
    }

    @Test
    void infoListsTheVersionsWithWhatServesThemTheDefaultAndTheVariant() {
        AddonInfo info = addons.info("redis");

        assertThat(info.name()).isEqualTo("valkey");
        assertThat(info.aliases()).containsExactly("redis");
        assertThat(info.defaultVersion()).as("the newest the process runtime can serve here").isEqualTo("7");
        assertThat(info.defaultVersions()).containsEntry("process", "7").containsEntry("container", "9");
        assertThat(info.variants()).containsExactly(new Variant("small", "Dedicated server", false));
        assertThat(info.versions()).extracting(VersionInfo::version).containsExactly("7", "8", "9");
        assertThat(info.versions()).extracting(VersionInfo::isDefault).containsExactly(true, false, false);
        VersionInfo seven = info.versions().get(0);
        assertThat(seven.availability().state()).isEqualTo(Availability.State.INSTALLED);
        assertThat(seven.availability().detail()).startsWith("/usr/bin: redis-server 7.");
        assertThat(info.versions().subList(1, 3)).extracting(v -> v.availability().state())
                .containsOnly(Availability.State.UNAVAILABLE);
    }

    @Test
    void anAppFileDeclaringRedisProvisionsValkeyAndDroppingItDestroysIt() {
        AppFile file = AppFile.parse("name = \"cached\"\n[addons.redis]\nversion = \"7\"\n", "addons.toml");

        assertThat(addons.deploy(file, "production").active()).extracting(AddonRecord::addon, AddonRecord::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("valkey", Status.ACTIVE));
        try (Jedis jedis = new Jedis(
                URI.create(addons.app("cached", "production").env().get("VALKEY_URL").orElseThrow()))) {
            assertThat(jedis.ping()).isEqualTo("PONG");
        }
        var result = addons.deploy(AppFile.parse("name = \"cached\"\n", "addons.toml"), "production");
        assertThat(result.destroyed()).extracting(AddonRecord::addon).containsExactly("valkey");
        assertThat(addons.app("cached", "production").list()).isEmpty();
    }
}
