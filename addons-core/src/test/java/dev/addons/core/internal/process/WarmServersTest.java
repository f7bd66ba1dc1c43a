package dev.addons.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.Endpoint;
import dev.addons.core.runtime.RunningServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Warm servers on disk: offered owner-only, claimed once whoever races for them, owned by the server they became. */
class WarmServersTest {
    @TempDir
    Path home;

    private Path offer(String pool) throws Exception {
        String id = WarmServers.newId();
        ServerDirectories directories = ServerDirectories.of(home, id).create();
        WarmServers.offer(directories, pool, "s3cret", new RunningServer(id, ProcessRuntime.NAME,
                new Endpoint("127.0.0.1", 20001), Map.of(ProcessRuntime.PID, "1", ProcessRuntime.PID_START, "2"),
                Map.of("management", new Endpoint("127.0.0.1", 20002))));
        return directories.root();
    }

    @Test
    void aWarmServerIsClaimedByOneOfManyClaimersAtOnceAndThenBelongsToTheServerItBecame() throws Exception {
        Path warm = offer("valkey/8");
        offer("valkey/7");
        assertThat(Files.getPosixFilePermissions(warm.resolve(WarmServers.UNCLAIMED)))
                .extracting(Object::toString).containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
        int claimers = 8;
        ExecutorService executor = Executors.newFixedThreadPool(claimers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Optional<WarmServers.Warm>>> claims = new ArrayList<>();
        for (int i = 0; i < claimers; i++) {
            claims.add(executor.submit(() -> {
                go.await();
                return WarmServers.claim(home.resolve("servers"), "valkey/8", "shop-valkey");
            }));
        }
        go.countDown();
        List<WarmServers.Warm> won = new ArrayList<>();
        for (Future<Optional<WarmServers.Warm>> claim : claims) {
            claim.get().ifPresent(won::add);
        }
        executor.shutdown();

        assertThat(won).hasSize(1);
        WarmServers.Warm claimed = won.get(0);
        assertThat(claimed.password()).isEqualTo("s3cret");
        assertThat(claimed.toString()).doesNotContain("s3cret");
        assertThat(claimed.server().endpoint()).isEqualTo(new Endpoint("127.0.0.1", 20001));
        assertThat(claimed.server().extraEndpoints()).containsEntry("management", new Endpoint("127.0.0.1", 20002));
        assertThat(WarmServers.owner(warm)).as("from the claim on, before the re-keying").contains("shop-valkey");
        assertThat(Files.readString(warm.resolve(WarmServers.CLAIMED + "shop-valkey"))).contains("s3cret");

        WarmServers.own(warm, "shop-valkey");

        assertThat(WarmServers.owner(warm)).contains("shop-valkey");
        assertThat(Files.readString(warm.resolve(WarmServers.CLAIMED + "shop-valkey"))).doesNotContain("s3cret");
        assertThat(WarmServers.isUnclaimed(warm)).isFalse();
        assertThat(WarmServers.unclaimed(home.resolve("servers"))).extracting(WarmServers.Warm::pool)
                .containsExactly("valkey/7");
        assertThat(WarmServers.claim(home.resolve("servers"), "valkey/8", "other")).isEmpty();
        Path cutShort = ServerDirectories.of(home, WarmServers.newId()).create().root();
        assertThat(WarmServers.owner(cutShort)).as("a warm start a crash cut short").isEmpty();
        assertThat(WarmServers.owner(home.resolve("servers").resolve("shop-postgresql"))).contains("shop-postgresql");
    }
}
