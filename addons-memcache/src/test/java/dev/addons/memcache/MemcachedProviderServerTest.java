package dev.addons.memcache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.spi.Binding;
import dev.addons.api.spi.TenantRequest;
import dev.addons.testkit.Loopback;
import dev.addons.testkit.ProviderServer;
import dev.addons.testkit.ServerProcesses;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The provider against a real memcached 1.6 (Debian's) it describes itself, run by the process
 * runtime ({@link ProviderServer}) and shared by the tests of this class. Clients connect with the
 * variables only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemcachedProviderServerTest {

    private final MemcachedProvider provider = new MemcachedProvider();
    private final TenantRequest tenant = new TenantRequest("memcached-shop-production-abcdef", "shop", "production",
            "small", false, "shop");
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
    void theBindingRecordsTheVersionThatServes() {
        assertThat(binding.values()).containsOnlyKeys("serverVersion");
        assertThat(binding.require("serverVersion")).startsWith("1.6.");
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
