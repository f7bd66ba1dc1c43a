package dev.addons.memcache;

import static dev.addons.memcache.MemcachedWire.AUTH_ERROR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.Endpoint;
import dev.addons.api.spi.Binding;
import dev.addons.memcache.MemcachedWire.Answer;
import dev.addons.api.spi.TenantRequest;
import dev.addons.testkit.Loopback;
import dev.addons.testkit.ProviderServer;
import dev.addons.testkit.ServerProcesses;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The provider against a real memcached 1.6 (Debian's) it describes itself, run by the process
 * runtime ({@link ProviderServer}) and shared by the tests of this class. Clients connect with the
 * variables only; attackers, any other local program, with anything else.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemcachedProviderServerTest {

    private final MemcachedProvider provider = new MemcachedProvider();
    private final TenantRequest tenant = TenantRequest.builder()
            .addonId("memcached-shop-production-abcdef")
            .app("shop", "production")
            .variant("small", false)
            .tenant("shop")
            .build();
    private ProviderServer server;
    private Binding binding;
    private Map<String, String> vars;

    @BeforeAll
    void startAndProvision() throws Exception {
        server = ProviderServer.start(provider, "1.6");
        binding = provider.provision(tenant, server.access());
        vars = provider.credentials(binding, server.access().endpoint()).toMap();
    }

    @AfterAll
    void destroyAndCheckNothingIsLeft() throws Exception {
        if (server == null) {
            return;
        }
        provider.deprovision(tenant, binding, server.access());
        Path directory = server.directory();
        int port = server.access().endpoint().port();
        server.close();
        assertThat(ProcessHandle.of(server.pid())).isEmpty();
        assertThat(ServerProcesses.under(directory)).isEmpty();
        assertThat(Loopback.isListening(port)).isFalse();
        assertThat(directory).doesNotExist();
    }

    @Test
    void theBindingRecordsTheUserItsPasswordAndTheVersionThatServes() {
        assertThat(binding.values()).containsOnlyKeys("username", "password", "serverVersion");
        assertThat(binding.require("username")).isEqualTo("memcached");
        assertThat(binding.require("password")).isEqualTo(server.access().adminPassword());
        assertThat(binding.require("serverVersion")).startsWith("1.6.");
        assertThat(vars.get("MEMCACHE_URL")).isEqualTo("memcache://memcached:" + server.access().adminPassword()
                + "@127.0.0.1:" + server.access().endpoint().port());
    }

    @Test
    void aClientWithoutCredentialsCanNeitherReadNorWrite() throws Exception {
        Endpoint endpoint = server.access().endpoint();
        try (MemcachedClients owner = MemcachedClients.fromUrl(vars)) {
            assertThat(owner.client().set("secret", 300, "the app's").get(5, TimeUnit.SECONDS)).isTrue();
        }
        try (MemcachedWire wire = MemcachedWire.open(endpoint)) {
            assertThat(wire.call(MemcachedWire.GET, "secret", "")).isEqualTo(new Answer(AUTH_ERROR, "Auth failure."));
        }
        try (MemcachedWire wire = MemcachedWire.open(endpoint)) {
            assertThat(wire.call(MemcachedWire.SET, "secret", "overwritten")).isEqualTo(new Answer(AUTH_ERROR,
                    "Auth failure."));
        }
        try (MemcachedClients anonymous = MemcachedClients.anonymous(endpoint.host(), endpoint.port())) {
            assertRefused(anonymous.client());
        }
        try (MemcachedClients owner = MemcachedClients.fromHostAndPort(vars)) {
            assertThat(owner.client().get("secret")).isEqualTo("the app's");
        }
    }

    @Test
    void aClientWithAWrongPasswordOrAnotherUserIsRefused() throws Exception {
        Endpoint endpoint = server.access().endpoint();
        String password = vars.get("MEMCACHE_PASSWORD");
        for (String[] attempt : List.of(new String[] {"memcached", password + "x"}, new String[] {"memcached", ""},
                new String[] {"root", password}, new String[] {"memcached@" + realm(), "guess"})) {
            try (MemcachedWire wire = MemcachedWire.open(endpoint)) {
                assertThat(wire.plain(attempt[0], attempt[1])).as(attempt[0])
                        .isEqualTo(new Answer(AUTH_ERROR, "Auth failure."));
                assertThat(wire.call(MemcachedWire.GET, "secret", "").status()).as(attempt[0])
                        .isIn(AUTH_ERROR, Answer.CLOSED.status());
            }
        }
        try (MemcachedClients wrong = MemcachedClients.authenticated(endpoint.host(), endpoint.port(), "memcached",
                password + "x")) {
            assertRefused(wrong.client());
        }
    }

    @Test
    void onlyThePlainMechanismIsOfferedSoAnonymousLoginIsRefused() throws Exception {
        try (MemcachedWire wire = MemcachedWire.open(server.access().endpoint())) {
            assertThat(wire.call(MemcachedWire.SASL_LIST_MECHS, "", "")).isEqualTo(new Answer(0, "PLAIN"));
            // libsasl2-modules installs ANONYMOUS, which Cyrus SASL offers unless the configuration says otherwise.
            assertThat(wire.call(MemcachedWire.SASL_AUTH, "ANONYMOUS", "attacker")).isEqualTo(new Answer(AUTH_ERROR,
                    "Auth failure."));
            assertThat(wire.call(MemcachedWire.GET, "secret", "").status()).isIn(AUTH_ERROR, Answer.CLOSED.status());
        }
    }

    @Test
    void theTextProtocolWhichHasNoAuthenticationIsOff() throws Exception {
        // Each line is at least a binary header long (24 bytes), which the server reads before it closes.
        for (String line : List.of("get secret secret secret", "set secret 0 0 11\r\noverwritten", "version, padded to 24 bytes")) {
            try (MemcachedWire wire = MemcachedWire.open(server.access().endpoint())) {
                assertThat(wire.textUntilClosed(line)).as(line).isEmpty();
            }
        }
    }

    @Test
    void thePasswordIsOnNoCommandLineAndInNoEnvironmentOfTheServer() throws Exception {
        String password = server.access().adminPassword();
        long pid = server.pid();

        assertThat(Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"))).contains("-S")
                .doesNotContain(password);
        assertThat(Files.readString(Path.of("/proc", Long.toString(pid), "environ"))).doesNotContain(password);
        assertThat(Files.readString(server.directory().resolve("server.log"))).doesNotContain(password);
    }

    /** A client that cannot store, and gets nothing back, not even what the app stored. */
    private static void assertRefused(MemcachedClient client) throws Exception {
        Future<Boolean> stored = client.set("secret", 300, "overwritten");
        assertThat(refusedOrFalse(stored)).as("stored").isTrue();
        assertThatThrownBy(() -> client.get("secret")).isInstanceOf(RuntimeException.class);
    }

    private static boolean refusedOrFalse(Future<Boolean> stored) throws InterruptedException {
        try {
            return !stored.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return true;
        }
    }

    private static String realm() throws Exception {
        return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    }

    @Test
    void clientsSetGetAndIncrementWithTheUrlOrTheHostAndPort() throws Exception {
        try (MemcachedClients fromUrl = MemcachedClients.fromUrl(vars)) {
            MemcachedClient cache = fromUrl.client();
            assertThat(cache.set("greeting", 300, "hello").get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(cache.get("greeting")).isEqualTo("hello");
            assertThat(cache.incr("hits", 1, 1)).isEqualTo(1);
            assertThat(cache.incr("hits", 41)).isEqualTo(42);
        }
        try (MemcachedClients fromHostAndPort = MemcachedClients.fromHostAndPort(vars)) {
            assertThat(fromHostAndPort.client().get("greeting")).isEqualTo("hello");
            Map<SocketAddress, Map<String, String>> stats = fromHostAndPort.client().getStats();
            assertThat(stats).hasSize(1);
            assertThat(stats.values().iterator().next())
                    .containsEntry("limit_maxbytes", Long.toString(64L * 1024 * 1024))
                    .containsEntry("max_connections", "1024");
        }
    }

    @Test
    void theServerListensOverTcpOnLoopbackOnly() throws Exception {
        String udp = Files.readString(Path.of("/proc/net/udp")) + Files.readString(Path.of("/proc/net/udp6"));
        String port = String.format(":%04X ", server.access().endpoint().port());

        assertThat(vars.get("MEMCACHE_HOST")).isEqualTo("127.0.0.1");
        assertThat(udp).doesNotContain(port);
        assertThat(Loopback.isListening(server.access().endpoint().port())).isTrue();
    }
}
