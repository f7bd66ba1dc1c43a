package dev.addons.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonNotFoundException;
import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.InvalidBackupException;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.Status;
import dev.addons.core.Addons;
import dev.addons.core.App;
import dev.addons.core.BackupInfo;
import dev.addons.core.FinalBackup;
import dev.addons.testkit.RuntimeUnderTest;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The metrics of a home whose addons are real Valkey servers (Debian's redis-server 7) on the
 * process runtime, read from a {@link SimpleMeterRegistry}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AddonsMetricsTest {
    private static final AddonSpec VALKEY = AddonSpec.of("valkey").withVersion("7");

    private final RuntimeUnderTest runtime = RuntimeUnderTest.process();
    private Path home;
    private Addons addons;
    private SimpleMeterRegistry registry;
    private AddonsMetrics metrics;

    @BeforeAll
    void openAHome() throws IOException {
        // A short path: engines put Unix sockets under it, and a socket's path has at most 107 bytes.
        home = Files.createTempDirectory("addons-");
        addons = Addons.builder().home(home).runtime("process").automaticBackups(false).build();
    }

    @BeforeEach
    void bindMetrics() {
        registry = new SimpleMeterRegistry();
        // Read on every gauge read: the test sees a killed server at once.
        metrics = AddonsMetrics.builder(addons).refresh(Duration.ZERO).build();
        metrics.bindTo(registry);
    }

    @AfterEach
    void destroyEverythingAndCheckNothingIsLeft() {
        metrics.close();
        for (AddonRecord record : addons.listAll()) {
            addons.app(record.app(), record.environment()).destroy(record.addon(), FinalBackup.SKIP);
        }
        runtime.assertNothingLeft(home);
    }

    @AfterAll
    void closeAndDeleteTheHome() throws IOException {
        try {
            if (addons != null) {
                addons.close();
            }
        } finally {
            runtime.close();
            deleteRecursively(home);
        }
    }

    @Test
    void aCreateBackupRestoreAndDestroyAreEachTimedOnceAsSuccessesAndTheGaugesFollowTheAddon() throws IOException {
        App shop = addons.app("shop", "test");
        assertThat(addonsIn(Status.ACTIVE)).isZero();

        shop.create(VALKEY);

        assertThat(timer("addons.create", "success", "none").count()).isEqualTo(1);
        assertThat(timer("addons.create", "success", "none").totalTime(java.util.concurrent.TimeUnit.NANOSECONDS))
                .isPositive();
        assertThat(addonsIn(Status.ACTIVE)).isEqualTo(1);
        assertThat(health("up")).isEqualTo(1);
        assertThat(health("down")).isZero();

        shop.create(VALKEY); // Already there: nothing done, nothing heard.
        BackupInfo backup = shop.backup("valkey");
        shop.restore("valkey", backup.file(), true);

        assertThat(timer("addons.create", "success", "none").count()).isEqualTo(1);
        assertThat(timer("addons.backup", "success", "none").count()).isEqualTo(1);
        assertThat(timer("addons.restore", "success", "none").count()).isEqualTo(1);

        shop.destroy("valkey", FinalBackup.SKIP);

        assertThat(timer("addons.destroy", "success", "none").count()).isEqualTo(1);
        assertThat(addonsIn(Status.ACTIVE)).isZero();
        assertThat(health("up")).isZero();
        assertThat(registry.find("addons.create").timers()).hasSize(1);
        assertThat(registry.find("addons.backup").timers()).hasSize(1);
        assertThat(registry.find("addons.restore").timers()).hasSize(1);
        assertThat(registry.find("addons.destroy").timers()).hasSize(1);
    }

    @Test
    void aCreateOfAVersionThatCannotBeHadAndARestoreOfADamagedArchiveAreFailuresNamingTheirException()
            throws IOException {
        App shop = addons.app("shop", "test");

        assertThatThrownBy(() -> shop.create(AddonSpec.of("valkey").withVersion("1")))
                .isInstanceOf(InvalidSpecException.class);
        assertThatThrownBy(() -> shop.create(AddonSpec.of("nosuchengine")))
                .isInstanceOf(AddonNotFoundException.class);

        assertThat(timer("addons.create", "failure", "InvalidSpecException").count()).isEqualTo(1);
        assertThat(registry.find("addons.create").tags("engine", "unknown", "outcome", "failure",
                "exception", "AddonNotFoundException").timer()).isNotNull().extracting(Timer::count).isEqualTo(1L);
        assertThat(registry.find("addons.create").tag("outcome", "success").timers()).isEmpty();

        shop.create(VALKEY);
        Path damaged = Files.writeString(home.resolve("damaged.tar.zst"), "not an archive");
        assertThatThrownBy(() -> shop.restore("valkey", damaged, true)).isInstanceOf(InvalidBackupException.class);

        assertThat(timer("addons.restore", "failure", "InvalidBackupException").count()).isEqualTo(1);
        assertThat(registry.find("addons.restore").tag("outcome", "success").timers()).isEmpty();
        Files.delete(damaged);
    }

    @Test
    void aKilledServerShowsAsDownAndItsAddonAsFailed() {
        App shop = addons.app("shop", "test");
        AddonRecord record = shop.create(VALKEY);
        assertThat(health("up")).isEqualTo(1);

        runtime.kill(home, record);

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (health("down") != 1 && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // Each read checks the home again (refresh zero).
        }
        assertThat(health("down")).isEqualTo(1);
        assertThat(health("up")).isZero();
        assertThat(addonsIn(Status.FAILED)).isEqualTo(1);
        assertThat(addonsIn(Status.ACTIVE)).isZero();
    }

    @Test
    void gaugesReuseAReadingUntilTheRefreshIntervalButSeeThisInstancesStatusChangesAtOnce() {
        SimpleMeterRegistry cached = new SimpleMeterRegistry();
        try (AddonsMetrics hourly = AddonsMetrics.builder(addons).refresh(Duration.ofHours(1)).build()) {
            hourly.bindTo(cached);
            Gauge active = cached.find("addons.addons").tags("engine", "valkey", "status", "active").gauge();
            Gauge up = cached.find("addons.health").tags("engine", "valkey", "state", "up").gauge();
            assertThat(active.value()).isZero();

            AddonRecord record = addons.app("shop", "test").create(VALKEY);

            assertThat(active.value()).as("after a transition this instance made").isEqualTo(1);
            assertThat(up.value()).isEqualTo(1);

            runtime.kill(home, record);

            assertThat(up.value()).as("a death nothing has noticed yet, within the hour").isEqualTo(1);
            assertThat(health("down")).as("the other binder reads every time").isEqualTo(1);
            assertThat(up.value()).as("its noticing was a transition this instance made").isZero();
        }
    }

    @Test
    void appTagsAreOffByDefaultAndAddedWhenAskedFor() {
        addons.app("shop", "test").create(VALKEY);
        Meter.Id untagged = timer("addons.create", "success", "none").getId();
        assertThat(untagged.getTags()).extracting(t -> t.getKey())
                .containsExactlyInAnyOrder("engine", "outcome", "exception");

        SimpleMeterRegistry tagged = new SimpleMeterRegistry();
        try (AddonsMetrics withApps = AddonsMetrics.builder(addons).appTags(true).build()) {
            withApps.bindTo(tagged);
            addons.app("shop", "staging").create(VALKEY);
        }

        Timer timer = tagged.find("addons.create").tags("engine", "valkey", "outcome", "success", "exception", "none",
                "app", "shop", "environment", "staging").timer();
        assertThat(timer).isNotNull();
        assertThat(timer.count()).isEqualTo(1);
    }

    @Test
    void closingRemovesTheGaugesAndStopsTiming() {
        assertThat(registry.find("addons.addons").gauges()).hasSize(Status.values().length - 1);
        assertThat(registry.find("addons.health").gauges()).hasSize(2);

        metrics.close();
        metrics.close(); // Idempotent.
        addons.app("shop", "test").create(VALKEY);

        assertThat(registry.find("addons.addons").gauges()).isEmpty();
        assertThat(registry.find("addons.health").gauges()).isEmpty();
        assertThat(registry.find("addons.create").timers()).isEmpty();
        assertThatThrownBy(() -> metrics.bindTo(registry)).isInstanceOf(IllegalStateException.class)
                .hasMessage("these AddonsMetrics are closed");
    }

    private Timer timer(String name, String outcome, String exception) {
        Timer timer = registry.find(name).tags("engine", "valkey", "outcome", outcome, "exception", exception).timer();
        assertThat(timer).as(name + " of valkey, " + outcome + ", " + exception + " in " + meters()).isNotNull();
        return timer;
    }

    private double addonsIn(Status status) {
        return gauge("addons.addons", "status", status.name().toLowerCase(java.util.Locale.ROOT));
    }

    private double health(String state) {
        return gauge("addons.health", "state", state);
    }

    private double gauge(String name, String key, String value) {
        Gauge gauge = registry.find(name).tags("engine", "valkey", key, value).gauge();
        assertThat(gauge).as(name + " " + key + "=" + value).isNotNull();
        return gauge.value();
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private List<String> meters() {
        return registry.getMeters().stream().map(m -> m.getId().toString()).toList();
    }
}
