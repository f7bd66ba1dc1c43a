package dev.addons.memcache;

import static dev.addons.memcache.MemcachedWire.AUTH_ERROR;
import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.AddonSpec;
import dev.addons.api.Endpoint;
import dev.addons.core.Addons;
import dev.addons.memcache.MemcachedWire.Answer;
import dev.addons.testkit.RuntimeUnderTest;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A new memcached addon requires authentication on every runtime: through the facade, a server of
 * each is attacked as any other local program would attack it (no credentials, a wrong password,
 * the {@code ANONYMOUS} mechanism), and only the app's injected variables get in. On the container
 * runtime the server is the test image honouring the official image's contract.
 */
class MemcachedAuthenticationTest {
    private final MemcachedUnderTest engine = new MemcachedUnderTest();

    @ParameterizedTest
    @ValueSource(strings = {"process", "container"})
    void onlyTheAppsInjectedCredentialsGetIntoItsCache(String runtimeName, @TempDir Path home) throws Exception {
        try (RuntimeUnderTest runtime = runtimeName.equals("process") ? RuntimeUnderTest.process()
                : RuntimeUnderTest.container()) {
            runtime.requireAvailable();
            try (Addons addons = Addons.builder().home(home).runtime(runtime.name()).build()) {
                addons.app("shop", "production").create(AddonSpec.of("memcached").withVersion(runtime.version(engine)));
                try {
                    attack(addons.app("shop", "production").env().toMap());
                } finally {
                    addons.app("shop", "production").destroy("memcached", dev.addons.core.FinalBackup.SKIP);
                }
            }
            runtime.assertNothingLeft(home);
        }
    }

    private void attack(Map<String, String> vars) throws Exception {
        Endpoint endpoint = engine.endpoint(vars);
        engine.write(vars, "session:42", "the app's secret");

        try (MemcachedWire wire = MemcachedWire.open(endpoint)) {
            assertThat(wire.call(MemcachedWire.GET, "session:42", "")).as("no credentials")
                    .isEqualTo(new Answer(AUTH_ERROR, "Auth failure."));
        }
        try (MemcachedWire wire = MemcachedWire.open(endpoint)) {
            assertThat(wire.plain(vars.get("MEMCACHE_USERNAME"), vars.get("MEMCACHE_PASSWORD") + "x"))
                    .as("a wrong password").isEqualTo(new Answer(AUTH_ERROR, "Auth failure."));
        }
        try (MemcachedWire wire = MemcachedWire.open(endpoint)) {
            assertThat(wire.call(MemcachedWire.SASL_LIST_MECHS, "", "")).isEqualTo(new Answer(0, "PLAIN"));
            assertThat(wire.call(MemcachedWire.SASL_AUTH, "ANONYMOUS", "attacker")).as("ANONYMOUS")
                    .isEqualTo(new Answer(AUTH_ERROR, "Auth failure."));
        }
        try (MemcachedWire wire = MemcachedWire.open(endpoint)) {
            assertThat(wire.plain(vars.get("MEMCACHE_USERNAME"), vars.get("MEMCACHE_PASSWORD")))
                    .isEqualTo(new Answer(0, "Authenticated"));
            assertThat(wire.call(MemcachedWire.GET, "session:42", "").status()).isZero();
        }
        try (MemcachedClients app = MemcachedClients.fromHostAndPort(vars)) {
            assertThat(app.client().get("session:42")).isEqualTo("the app's secret");
            assertThat(app.client().delete("session:42").get(5, TimeUnit.SECONDS)).isTrue();
        }
    }
}
