package dev.addons.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.BackupCapability;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.TenantRequest;
import dev.addons.testkit.RuntimeServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Backups and restores of real servers on one runtime, driven through the provider with the
 * {@link RuntimeServer}'s tools (the runtime's own {@code replaceDataFile}): two servers of two
 * apps, {@code shop} and {@code staging}, shared by the tests of a class and emptied before each.
 * Clients connect with each app's variables only. Prints how long backups and restores took.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ValkeyBackupScenarios {
    private static final int KEYS = 2_000;

    private final ValkeyProvider provider = new ValkeyProvider();
    private final String runtime;
    private final String version;
    private final TenantRequest shop = TenantRequest.builder()
            .addonId("valkey-shop-production-abcdef")
            .app("shop", "production")
            .variant("small", false)
            .tenant("shop")
            .build();
    private final TenantRequest staging = TenantRequest.builder()
            .addonId("valkey-staging-production-abcdef")
            .app("staging", "production")
            .variant("small", false)
            .tenant("staging")
            .build();
    private RuntimeServer shopServer;
    private RuntimeServer stagingServer;
    private Binding shopBinding;
    private Binding stagingBinding;

    ValkeyBackupScenarios(String runtime, String version) {
        this.runtime = runtime;
        this.version = version;
    }

    @BeforeAll
    void startTwoServers() throws Exception {
        shopServer = RuntimeServer.start(provider, runtime, version, "shop");
        shopBinding = provider.provision(shop, shopServer.access());
        stagingServer = RuntimeServer.start(provider, runtime, version, "staging");
        stagingBinding = provider.provision(staging, stagingServer.access());
    }

    @AfterAll
    void destroyBoth() throws Exception {
        try {
            if (stagingServer != null) {
                stagingServer.close();
            }
        } finally {
            if (shopServer != null) {
                shopServer.close();
            }
        }
    }

    @BeforeEach
    void emptyBoth() {
        for (Jedis jedis : List.of(shopClient(), stagingClient())) {
            try (jedis) {
                jedis.flushAll();
            }
        }
    }

    @Test
    void aBackupTakenWhileAWriterKeepsWritingHoldsEverythingWrittenBeforeItBeganAndARestoreBringsThatBack()
            throws Exception {
        Map<String, String> before = writeData(shopClient());
        AtomicInteger acknowledged = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Exception> writerFailure = new AtomicReference<>();
        CountDownLatch writing = new CountDownLatch(100);
        Thread writer = new Thread(() -> {
            try (Jedis jedis = shopClient()) {
                for (int i = 0; !stop.get(); i++) {
                    jedis.set("writer:" + i, Integer.toString(i));
                    acknowledged.set(i + 1);
                    writing.countDown();
                }
            } catch (Exception e) {
                writerFailure.set(e);
            }
        }, "valkey-writer");
        writer.start();
        byte[] backup;
        int writtenBeforeBackup;
        try {
            assertThat(writing.await(30, TimeUnit.SECONDS)).as("the writer writes").isTrue();
            writtenBeforeBackup = acknowledged.get();
            backup = backUp(shopServer, shop, shopBinding);
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(writerFailure.get()).as("the writer's failure").isNull();
        int writtenAfterBackup = acknowledged.get();
        assertThat(new String(backup, 0, 5, StandardCharsets.US_ASCII)).isIn("REDIS", "VALKE");
        Map<String, String> summaryAtBackup;
        try (Jedis jedis = shopClient()) {
            jedis.set("after-backup", "gone after the restore");
            jedis.del("key:1", "key:2");
            jedis.set("key:3", "changed");
            jedis.select(3);
            jedis.flushDB();
        }
        assertThat(provider.hasData(shop, shopBinding, shopServer.access())).isTrue();

        restore(shopServer, shop, shopBinding, backup);

        try (Jedis jedis = shopClient()) {
            assertThat(read(jedis, before.keySet())).isEqualTo(before);
            assertThat(jedis.exists("after-backup")).isFalse();
            for (int i = 0; i < writtenBeforeBackup; i++) {
                assertThat(jedis.get("writer:" + i)).as("writer:" + i).isEqualTo(Integer.toString(i));
            }
            summaryAtBackup = provider.summary(shop, shopBinding, shopServer.access());
            assertThat(summaryAtBackup).containsEntry("db3", "1").containsKey("db0");
            assertThat(Long.parseLong(summaryAtBackup.get("db0"))).isBetween(KEYS + 1L + writtenBeforeBackup,
                    KEYS + 1L + writtenAfterBackup);
        }
        System.out.printf("valkey on the %s runtime: %d writes before the backup, %d by its end%n", runtime,
                writtenBeforeBackup, writtenAfterBackup);
    }

    @Test
    void aRestoreIntoAnotherAppsServerClonesTheDataAndKeepsThatAppsOwnPassword() throws Exception {
        Map<String, String> before = writeData(shopClient());
        byte[] backup = backUp(shopServer, shop, shopBinding);
        try (Jedis jedis = stagingClient()) {
            jedis.set("staging-only", "replaced by the restore");
        }
        assertThat(provider.hasData(staging, stagingBinding, stagingServer.access())).isTrue();

        restore(stagingServer, staging, stagingBinding, backup);

        try (Jedis jedis = stagingClient()) {
            assertThat(read(jedis, before.keySet())).isEqualTo(before);
            assertThat(jedis.exists("staging-only")).isFalse();
        }
        assertThat(provider.summary(staging, stagingBinding, stagingServer.access()))
                .isEqualTo(provider.summary(shop, shopBinding, shopServer.access()))
                .containsEntry("db0", Integer.toString(KEYS + 1)).containsEntry("db3", "1");
        try (Jedis jedis = new Jedis(stagingServer.access().endpoint().host(),
                stagingServer.access().endpoint().port())) {
            assertThatThrownBy(() -> jedis.auth(shopBinding.require(ValkeyCredentials.PASSWORD)))
                    .as("the source app's password on the clone").isInstanceOf(JedisDataException.class)
                    .hasMessageStartingWith("WRONGPASS");
        }
    }

    @Test
    void aSnapshotTheServerCannotLoadLeavesTheOldDataInPlaceAndTheServerRunning() throws Exception {
        Map<String, String> before = writeData(shopClient());
        byte[] backup = backUp(shopServer, shop, shopBinding);
        byte[] cut = Arrays.copyOf(backup, backup.length / 2);

        assertThatThrownBy(() -> restore(shopServer, shop, shopBinding, cut))
                .isInstanceOf(ProvisioningException.class)
                .hasMessageStartingWith("Restore of valkey-shop-production-abcdef (Valkey on ")
                .hasMessageContaining("did not start on the new dump.rdb; the old one is back in place")
                .message().doesNotContain(shopServer.access().adminPassword());

        assertThat(shopServer.isRunning()).as("the server runs again, as its runtime's record says").isTrue();
        try (Jedis jedis = shopClient()) {
            assertThat(read(jedis, before.keySet())).isEqualTo(before);
        }
    }

    @Test
    void somethingOtherThanAnRdbSnapshotIsRefusedWithoutStoppingTheServer() throws Exception {
        Map<String, String> before = writeData(shopClient());
        String runId = runId();

        assertThatThrownBy(() -> restore(shopServer, shop, shopBinding,
                "{\"not\": \"a snapshot\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ProvisioningException.class)
                .hasMessageStartingWith("Restore of valkey-shop-production-abcdef (Valkey on ")
                .hasMessageEndingWith("the backup is not an RDB snapshot (it begins with '{\"not\": \"'); "
                        + "the server was not touched");

        assertThat(runId()).as("the same server process").isEqualTo(runId);
        try (Jedis jedis = shopClient()) {
            assertThat(read(jedis, before.keySet())).isEqualTo(before);
        }
    }

    @Test
    void anEmptyServerHasNoDataAndAnEmptySummary() {
        assertThat(provider.hasData(shop, shopBinding, shopServer.access())).isFalse();
        assertThat(provider.summary(shop, shopBinding, shopServer.access())).isEmpty();
        assertThat(provider.capability(BackupCapability.class)).containsSame(provider);
    }

    /** Strings, a hash, a list and a key with a TTL in db 0, one key in db 3; what a read gives back. */
    private static Map<String, String> writeData(Jedis client) {
        Map<String, String> written = new HashMap<>();
        try (Jedis jedis = client) {
            for (int i = 0; i < KEYS; i++) {
                jedis.set("key:" + i, "value " + i);
                written.put("key:" + i, "value " + i);
            }
            jedis.hset("hash", Map.of("a", "1", "b", "2"));
            written.put("hash", "{a=1, b=2}");
            jedis.select(3);
            jedis.rpush("list", "x", "y", "z");
            jedis.expire("list", 3600);
            written.put("db3:list", "[x, y, z]");
        }
        return written;
    }

    private static Map<String, String> read(Jedis jedis, Iterable<String> keys) {
        Map<String, String> values = new HashMap<>();
        for (String key : keys) {
            if (key.equals("hash")) {
                values.put(key, new java.util.TreeMap<>(jedis.hgetAll(key)).toString());
            } else if (key.equals("db3:list")) {
                jedis.select(3);
                values.put(key, jedis.lrange("list", 0, -1).toString());
                assertThat(jedis.ttl("list")).isPositive();
                jedis.select(0);
            } else {
                values.put(key, jedis.get(key));
            }
        }
        return values;
    }

    private byte[] backUp(RuntimeServer server, TenantRequest tenant, Binding binding) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long begin = System.nanoTime();
        provider.backup(tenant, binding, server.access(), server, out);
        System.out.printf("valkey on the %s runtime: backup of %d bytes in %d ms%n", runtime, out.size(),
                (System.nanoTime() - begin) / 1_000_000);
        return out.toByteArray();
    }

    private void restore(RuntimeServer server, TenantRequest tenant, Binding binding, byte[] backup) {
        long begin = System.nanoTime();
        try {
            provider.restore(tenant, binding, server.access(), server, new ByteArrayInputStream(backup));
        } finally {
            System.out.printf("valkey on the %s runtime: restore of %d bytes in %d ms%n", runtime, backup.length,
                    (System.nanoTime() - begin) / 1_000_000);
        }
    }

    private String runId() throws IOException {
        try (RespConnection connection = ValkeyAdmin.connect(shopServer.access(), java.time.Duration.ofSeconds(5))) {
            return connection.callForString("INFO", "server").lines().filter(l -> l.startsWith("run_id:"))
                    .findFirst().orElseThrow();
        }
    }

    private Jedis shopClient() {
        return client(shopServer, shopBinding);
    }

    private Jedis stagingClient() {
        return client(stagingServer, stagingBinding);
    }

    private Jedis client(RuntimeServer server, Binding binding) {
        String url = provider.credentials(binding, server.access().endpoint()).get("VALKEY_URL").orElseThrow();
        return new Jedis(URI.create(url));
    }
}
