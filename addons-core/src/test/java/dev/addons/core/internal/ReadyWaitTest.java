package dev.addons.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonRecord;
import dev.addons.api.ProvisioningException;
import dev.addons.api.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadyWaitTest {
    @TempDir
    Path home;

    private AddonRecord save(String addon, Status status, String message) {
        Instant now = Instant.now();
        AddonRecord record = new AddonRecord(addon + "-web-production-abc123", "web", "production", addon, "small", "1",
                "process", status, message, now, now);
        new StateStore(home).save(new AddonState(record, null, Map.of(), AddonState.Owner.current()));
        return record;
    }

    @Test
    void returnsOnceEveryAddonIsActiveHavingReportedWhatItSaw() throws Exception {
        StateStore store = new StateStore(home);
        AddonRecord db = save("fakedb", Status.PROVISIONING, "");
        save("fakecache", Status.ACTIVE, "");
        List<String> seen = Collections.synchronizedList(new ArrayList<>());

        CompletableFuture<List<AddonRecord>> waiting = CompletableFuture.supplyAsync(() -> ReadyWait.await(store,
                "web", "production", Duration.ofMinutes(1), (record, from) -> seen.add(record.addon() + ":" + from
                        + "->" + record.status())));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!seen.contains("fakedb:null->PROVISIONING") && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(waiting).as("still provisioning").isNotDone();
        store.save(new AddonState(new AddonRecord(db.id(), "web", "production", "fakedb", "small", "1", "process",
                Status.ACTIVE, "", db.createdAt(), Instant.now()), null, Map.of(), AddonState.Owner.current()));

        assertThat(waiting.get(30, TimeUnit.SECONDS)).extracting(AddonRecord::status)
                .containsOnly(Status.ACTIVE).hasSize(2);
        assertThat(seen).containsExactlyInAnyOrder("fakedb:null->PROVISIONING", "fakecache:null->ACTIVE",
                "fakedb:PROVISIONING->ACTIVE");
    }

    @Test
    void aTimeoutNamesTheAddonsStillNotActiveAndTheirStatus() {
        save("fakedb", Status.PROVISIONING, "");
        save("fakecache", Status.PENDING, "");

        assertThatThrownBy(() -> ReadyWait.await(new StateStore(home), "web", "production", Duration.ofMillis(300),
                (record, from) -> { }))
                .isInstanceOf(ProvisioningException.class)
                .hasMessage("still waiting after 300ms: fakecache of web/production is pending,"
                        + " fakedb of web/production is provisioning");
    }

    @Test
    void anAppWithNoAddonsIsWaitedForUntilTheTimeoutWhichSaysSo() {
        assertThatThrownBy(() -> ReadyWait.await(new StateStore(home), "web", "production", Duration.ofSeconds(1),
                (record, from) -> { }))
                .isInstanceOf(ProvisioningException.class)
                .hasMessage("web has no addons in production after waiting 1s: create or deploy them, or run"
                        + " without --wait");
    }

    @Test
    void aFailedOrStoppedAddonEndsTheWaitAtOnceNamingItsStatus() {
        save("fakedb", Status.FAILED, "its server died");

        assertThatThrownBy(() -> ReadyWait.await(new StateStore(home), "web", "production", Duration.ofMinutes(5),
                (record, from) -> { }))
                .isInstanceOf(ProvisioningException.class)
                .hasMessage("fakedb of web/production is failed: its server died; create it again, or destroy it");

        save("fakedb", Status.STOPPED, "");
        assertThatThrownBy(() -> ReadyWait.await(new StateStore(home), "web", "production", Duration.ofMinutes(5),
                (record, from) -> { }))
                .isInstanceOf(ProvisioningException.class)
                .hasMessage("fakedb of web/production is stopped: start it with 'addons start fakedb -a web --env"
                        + " production'");
    }

    @Test
    void timeoutsAreWrittenAsPeopleWriteThem() {
        assertThat(List.of(Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofMillis(1500),
                Duration.ofSeconds(90))).extracting(ReadyWait::format).containsExactly("30s", "5m", "1h", "1500ms", "90s");
    }
}
