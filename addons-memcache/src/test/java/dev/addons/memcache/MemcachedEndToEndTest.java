package dev.addons.memcache;

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
import dev.addons.core.VersionInfo;
import dev.addons.core.runtime.Availability;
import dev.addons.testkit.ServerProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole SDK with the memcached addon on the process runtime: the facade, the state store,
 * the runtime and the provider, used with spymemcached through nothing but the injected
 * variables. On Debian 12 the host serves memcached 1.6 and cannot serve 1.5. What every
 * engine shows on every runtime is in {@link MemcachedOnProcessTest} and {@link MemcachedOnContainerTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemcachedEndToEndTest {
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
    void theAliasGetsTheDefaultVersionThroughTheLifecycleWithItsVariablesAndServesRealWork() throws Exception {
        AddonRecord record = addons.app("web", "production").create(AddonSpec.of("memcache"));

        assertThat(record.status()).isEqualTo(Status.ACTIVE);
        assertThat(record.addon()).isEqualTo("memcached");
        assertThat(record.version()).isEqualTo("1.6");
        assertThat(record.variant()).isEqualTo("small");
        synchronized (transitions) {
            assertThat(transitions).containsSubsequence("web:null->PENDING", "web:PENDING->PROVISIONING",
                    "web:PROVISIONING->ACTIVE");
        }
        Credentials vars = addons.app("web", "production").env();
        int port = Integer.parseInt(vars.get("MEMCACHE_PORT").orElseThrow());
        String password = vars.get("MEMCACHE_PASSWORD").orElseThrow();
        assertThat(password).matches("[A-Za-z0-9]{32}");
        assertThat(vars.variables()).containsExactly(
                Variable.secret("MEMCACHE_URL", "memcache://memcached:" + password + "@127.0.0.1:" + port),
                Variable.plain("MEMCACHE_HOST", "127.0.0.1"),
                Variable.plain("MEMCACHE_PORT", Integer.toString(port)),
                Variable.plain("MEMCACHE_USERNAME", "memcached"),
                Variable.secret("MEMCACHE_PASSWORD", password));
        assertThat(vars.toString()).doesNotContain(password);
        addons.app("blog", "production").create(AddonSpec.of("memcached"));
        Credentials other = addons.app("blog", "production").env();
        assertThat(other.get("MEMCACHE_PASSWORD")).as("another app's server has its own password")
                .isPresent().get().isNotEqualTo(password);
        try (MemcachedClients blog = MemcachedClients.authenticated("127.0.0.1", port, "memcached",
                other.get("MEMCACHE_PASSWORD").orElseThrow())) {
            assertThatThrownBy(() -> blog.client().get("page:/")).as("another app's password on this server")
                    .isInstanceOf(RuntimeException.class);
        }

        try (MemcachedClients clients = MemcachedClients.fromUrl(vars.toMap())) {
            MemcachedClient cache = clients.client();
            assertThat(cache.set("page:/", 60, "<h1>hello</h1>").get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(cache.get("page:/")).isEqualTo("<h1>hello</h1>");
            assertThat(cache.incr("views", 1, 1)).isEqualTo(1);
            assertThat(cache.incr("views", 1)).isEqualTo(2);
            assertThat(cache.delete("page:/").get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(cache.get("page:/")).isNull();
        }
    }

    @Test
    void versionsTheHostCannotServeAreRefusedBeforeAnythingStartsSayingWhatItHasAndWhatToDo() throws IOException {
        for (String version : List.of("1.5")) {
            assertThatThrownBy(() -> addons.app("old", "production")
                    .create(AddonSpec.of("memcached").withVersion(version)))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessageStartingWith("memcached version '" + version + "' cannot run on the process runtime:"
                            + " Memcached " + version + ": needs memcached " + version + ".x in [/usr/local/bin,"
                            + " /usr/bin], found /usr/bin/memcached version 1.6.")
                    .hasMessageContaining(" and no download is offered. Install them there, or use the container"
                            + " runtime (runtime = \"container\", --runtime container). Here the process runtime can run memcached 1.6"
                            + " (installed: /usr/bin:"
                            + " memcached 1.6.")
                    .hasMessageEndingWith("): use --version 1.6, or version = \"1.6\" in the app file.");
        }
        assertThat(addons.app("old", "production").list()).isEmpty();
        try (Stream<Path> servers = Files.list(Files.createDirectories(home.resolve("servers")))) {
            assertThat(servers.filter(p -> p.getFileName().toString().contains("-old-"))).isEmpty();
        }
    }

    @Test
    void theEndOfLifeVersion14IsRefusedWithTheVersionsOffered() throws IOException {
        assertThatThrownBy(() -> addons.app("ancient", "production")
                .create(AddonSpec.of("memcached").withVersion("1.4")))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("memcached version '1.4' is not supported: it is end-of-life (its last release, 1.4.39,"
                        + " dates from 2017) and no longer offered. Supported: [1.5, 1.6] (default 1.6), or a full"
                        + " image reference containing ':'");
        assertThat(addons.app("ancient", "production").list()).isEmpty();
        try (Stream<Path> servers = Files.list(Files.createDirectories(home.resolve("servers")))) {
            assertThat(servers.filter(p -> p.getFileName().toString().contains("-ancient-"))).isEmpty();
        }
    }

    @Test
    void infoListsTheVersionsWithWhatServesThemTheDefaultAndTheVariant() {
        AddonInfo info = addons.info("memcache");

        assertThat(info.name()).isEqualTo("memcached");
        assertThat(info.aliases()).containsExactly("memcache");
        assertThat(info.defaultVersion()).isEqualTo("1.6");
        assertThat(info.variants()).containsExactly(new Variant("small", "Dedicated server", false));
        assertThat(info.versions()).extracting(VersionInfo::version).containsExactly("1.5", "1.6");
        assertThat(info.versions()).extracting(VersionInfo::isDefault).containsExactly(false, true);
        assertThat(info.versions()).extracting(v -> v.availability().state()).containsExactly(
                Availability.State.UNAVAILABLE, Availability.State.INSTALLED);
        assertThat(info.versions().get(1).availability().detail()).startsWith("/usr/bin: memcached 1.6.");
    }
}
