package dev.addons.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.Credentials;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.TenantRequest;
import dev.addons.testkit.Loopback;
import dev.addons.testkit.ProviderServer;
import dev.addons.testkit.ServerProcesses;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The provider against a real server it describes itself, version 7 (the one Debian 12 can serve,
 * from {@code redis-server} 7.0, or from a {@code valkey-server} 7 where one is installed), run by
 * the process runtime ({@link ProviderServer}) and shared by the tests of this class. Clients
 * connect with the tenant's variables only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ValkeyProviderServerTest {

    private final ValkeyProvider provider = new ValkeyProvider();
    private final TenantRequest tenant = TenantRequest.builder()
            .addonId("valkey-shop-production-abcdef")
            .app("shop", "production")
            .variant("small", false)
            .tenant("shop")
            .build();
    private ProviderServer server;
    private Binding binding;
    private Credentials vars;

    @BeforeAll
    void startAndProvision() throws Exception {
        server = ProviderServer.start(provider, "7");
        binding = provider.provision(tenant, server.access());
        vars = provider.credentials(binding, server.access().endpoint());
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
    void theBindingRecordsThePasswordAndWhichServerOfWhichVersionAnswers() {
        assertThat(binding.values()).containsOnlyKeys("password", "server", "serverVersion");
        assertThat(binding.require("password")).isEqualTo(server.access().adminPassword());
        assertThat(binding.require("server")).isIn("valkey", "redis");
        assertThat(binding.require("serverVersion")).startsWith("7.");
        assertThat(binding.toString()).doesNotContain(server.access().adminPassword());
    }

    @Test
    void clientsDoRealWorkWithEitherUrlOrTheHostPortAndPassword() {
        for (String url : List.of("REDIS_URL", "VALKEY_URL")) {
            try (Jedis jedis = new Jedis(URI.create(vars.get(url).orElseThrow()))) {
                assertThat(jedis.set("greeting:" + url, "hello")).isEqualTo("OK");
                assertThat(jedis.get("greeting:" + url)).isEqualTo("hello");
                assertThat(jedis.incr("visits")).isPositive();
            }
        }
        try (Jedis jedis = new Jedis(vars.get("VALKEY_HOST").orElseThrow(),
                Integer.parseInt(vars.get("VALKEY_PORT").orElseThrow()))) {
            jedis.auth(vars.get("VALKEY_PASSWORD").orElseThrow());
            assertThat(jedis.get("visits")).isEqualTo("2");
            assertThat(jedis.incrBy("visits", 40)).isEqualTo(42);
        }
    }

    @Test
    void aWrongPasswordOrNoPasswordIsRefused() {
        String host = vars.get("REDIS_HOST").orElseThrow();
        int port = Integer.parseInt(vars.get("REDIS_PORT").orElseThrow());
        try (Jedis jedis = new Jedis(host, port)) {
            assertThatThrownBy(jedis::ping).isInstanceOf(JedisDataException.class).hasMessageStartingWith("NOAUTH");
            assertThatThrownBy(() -> jedis.auth("not-the-password")).isInstanceOf(JedisDataException.class)
                    .hasMessageStartingWith("WRONGPASS");
        }
        ServerAccess wrong = new ServerAccess("provider-test", server.access().endpoint(), "default",
                "not-the-password");
        assertThatThrownBy(() -> ValkeyAdmin.checkReady(wrong))
                .isInstanceOf(RespConnection.ErrorReply.class)
                .hasMessageStartingWith("WRONGPASS");
    }

    @Test
    void thePasswordIsInAnOwnerOnlyFileAndNeverOnTheCommandLine() throws Exception {
        Path config = server.directory().resolve("run").resolve(ValkeyProcess.CONFIG);
        String password = server.access().adminPassword();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");
        assertThat(Files.readString(config)).contains("requirepass \"" + password + "\"");
        String commandLine = new String(Files.readAllBytes(Path.of("/proc", Long.toString(server.pid()), "cmdline")),
                StandardCharsets.UTF_8);
        assertThat(commandLine).contains("-server").doesNotContain(password);
    }

    @Test
    void snapshotsGoToTheDataDirectoryWhichClientsCannotMove() {
        try (Jedis jedis = new Jedis(URI.create(vars.get("VALKEY_URL").orElseThrow()))) {
            jedis.set("kept", "on disk");
            assertThat(jedis.save()).isEqualTo("OK");
            assertThat(server.directory().resolve("data/dump.rdb")).isRegularFile();
            assertThat(jedis.configGet("dir")).containsEntry("dir", server.directory().resolve("data").toString());
            assertThatThrownBy(() -> jedis.configSet("dir", "/tmp")).isInstanceOf(JedisDataException.class)
                    .hasMessageContaining("protected");
        }
    }
}
