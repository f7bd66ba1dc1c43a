package dev.addons.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.Endpoint;
import dev.addons.api.Status;
import dev.addons.api.Variant;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.api.spi.ServerRequest;
import dev.addons.core.Addons;
import dev.addons.core.WarmPool;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Warm servers of the process runtime ({@code process.warm}), written once for every engine: a
 * home whose settings keep one warm server of the engine's version starts it in the background
 * when it opens; a new addon then becomes that server, re-keyed, instead of starting one: its app
 * works with its variables alone, the warm server's former admin password no longer logs in, the
 * pool is filled again, the server survives a restart with its new password, and its destroy and
 * a home without the setting leave no process, port or directory. Real engine, real client.
 */
public abstract class WarmScenarios {
    private static final Duration READY = Duration.ofMinutes(3);

    private final EngineUnderTest engine;

    protected WarmScenarios(EngineUnderTest engine) {
        this.engine = Objects.requireNonNull(engine, "engine == null");
    }

    @Test
    void aNewAddonBecomesTheWarmServerReKeyedAndThePoolIsFilledAgainAndNothingIsLeft() throws Exception {
        RuntimeUnderTest runtime = RuntimeUnderTest.process();
        String version = runtime.version(engine);
        Path home = Files.createTempDirectory("addons-");
        try {
            try (Addons addons = Addons.builder().home(home).runtime("process")
                    .runtimeSetting("process.warm." + engine.addon() + "." + version, "1").build()) {
                Path warm = awaitWarm(addons, home, version, null);
                Properties offered = properties(warm.resolve("warm"));
                int warmPort = Integer.parseInt(offered.getProperty("port"));
                String formerPassword = offered.getProperty("password");

                AddonRecord record = addons.app("warmed", "production").create(AddonSpec.of(engine.addon())
                        .withVariant(Variant.DEFAULT).withVersion(version));

                assertThat(record.status()).isEqualTo(Status.ACTIVE);
                Map<String, String> vars = addons.app("warmed", "production").env().toMap();
                Endpoint endpoint = engine.endpoint(vars);
                assertThat(endpoint).as("the addon's endpoint is the warm server's")
                        .isEqualTo(new Endpoint("127.0.0.1", warmPort));
                assertThat(home.resolve("servers").resolve(record.id())).as("no server of its own was started")
                        .doesNotExist();
                assertThat(Files.readString(warm.resolve("claimed." + record.id()))).contains(record.id())
                        .doesNotContain(formerPassword);
                engine.write(vars, "greeting", "warm");
                assertThat(engine.read(vars, "greeting")).contains("warm");
                assertThatThrownBy(() -> admin(version).readiness().check(
                        new ServerAccess("former", endpoint, admin(version).adminUser(), formerPassword,
                                extraEndpoints(offered))))
                        .as("the warm server's former admin password logs in no more").isNotNull();

                Path refilled = awaitWarm(addons, home, version, warm);
                assertThat(refilled).isNotEqualTo(warm);

                AddonRecord restarted = addons.app("warmed", "production").restart(engine.addon());
                assertThat(restarted.status()).isEqualTo(Status.ACTIVE);
                assertThat(addons.app("warmed", "production").env().toMap()).isEqualTo(vars);
                engine.write(vars, "after", "restart");
                assertThat(engine.read(vars, "after")).contains("restart");

                addons.app("warmed", "production").destroy(engine.addon(), dev.addons.core.FinalBackup.SKIP);
                assertThat(warm).as("the claimed warm server's directory after its destroy").doesNotExist();
                assertThat(Loopback.isListening(warmPort)).as("port " + warmPort + " after destroy").isFalse();
            }
            // Without the setting, the home keeps no warm server: opening it removes the one left.
            try (Addons addons = Addons.builder().home(home).runtime("process").build()) {
                assertThat(addons.warmPools()).isEmpty();
            }
            runtime.assertNothingLeft(home);
        } finally {
            try (Addons addons = Addons.builder().home(home).runtime("process").build()) {
                addons.removeWarmServers();
            } finally {
                runtime.close();
                TestFiles.deleteRecursively(home);
            }
        }
    }

    /**
     * Waits for the warm starts under way (the pool filled at open, or again after a claim), then
     * checks the pool holds one ready warm server other than {@code besides}; returns its directory.
     */
    private Path awaitWarm(Addons addons, Path home, String version, Path besides) throws Exception {
        List<WarmPool> pools = addons.awaitWarmPools(READY);
        assertThat(pools).extracting(WarmPool::engine, WarmPool::version, WarmPool::size, WarmPool::ready)
                .as("the pool once its starts have ended")
                .containsExactly(org.assertj.core.groups.Tuple.tuple(engine.addon(), version, 1, 1));
        try (Stream<Path> listed = Files.list(home.resolve("servers"))) {
            List<Path> offered = listed.filter(p -> Files.exists(p.resolve("warm"))).toList();
            assertThat(offered).as("unclaimed warm servers").hasSize(1).doesNotContain(besides);
            return offered.get(0);
        }
    }

    /** The provider's definition of a server: for its admin user and readiness check. */
    private ServerDefinition admin(String version) {
        AddonProvider provider = ServiceLoader.load(AddonProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.descriptor().name().equals(engine.addon())).findFirst().orElseThrow();
        return provider.server(ServerRequest.builder(version).adminPassword("unused").build());
    }

    private static Map<String, Endpoint> extraEndpoints(Properties offered) {
        Map<String, Endpoint> extras = new java.util.LinkedHashMap<>();
        for (String name : offered.stringPropertyNames()) {
            if (name.startsWith("extra.")) {
                extras.put(name.substring("extra.".length()),
                        new Endpoint("127.0.0.1", Integer.parseInt(offered.getProperty(name))));
            }
        }
        return extras;
    }

    private static Properties properties(Path file) throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(Files.readString(file)));
        return properties;
    }
}
