package dev.addons.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.Status;
import dev.addons.core.Addons;
import dev.addons.core.RestartPolicy;
import dev.addons.core.Supervisor;
import dev.addons.testkit.RuntimeUnderTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A supervised PostgreSQL 15 (process runtime) whose data was made unstartable behind its back
 * (garbage in {@code postgresql.conf}) and that was then killed: the supervisor retries with
 * backoff and ends it FAILED with the engine's log lines, a bounded number of times; once fixed and
 * started by hand, it is watched again.
 */
class SupervisedCrashLoopTest {
    private static final RestartPolicy QUICK = new RestartPolicy(Duration.ofMillis(300), Duration.ofMillis(600), 3,
            Duration.ofMinutes(1));

    @TempDir
    Path home;

    @Test
    void aServerThatCrashesAtEveryStartEndsFailedWithItsLogLinesAfterTheBackoffNotInATightLoop() throws Exception {
        BlockingQueue<AddonRecord> transitions = new LinkedBlockingQueue<>();
        try (Addons addons = Addons.builder().home(home).runtime("process").automaticBackups(false)
                .restartPolicy(QUICK).listener((record, from) -> transitions.add(record)).build()) {
            AddonRecord record = addons.app("broken", "production")
                    .create(AddonSpec.of("postgresql").withVersion("15"));
            Path conf = home.resolve("servers").resolve(record.id()).resolve("data").resolve("postgresql.conf");
            String good = Files.readString(conf);
            Files.writeString(conf, "\nthis is not a setting\n", StandardOpenOption.APPEND);
            transitions.clear();

            try (Supervisor supervisor = addons.supervise(); RuntimeUnderTest process = RuntimeUnderTest.process()) {
                long killed = System.nanoTime();
                process.kill(home, record);

                AddonRecord gaveUp = awaitMessage(transitions, record.id(), "its server " + record.id() + " crashed");
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);

                assertThat(gaveUp.status()).isEqualTo(Status.FAILED);
                assertThat(gaveUp.message()).startsWith("its server " + record.id() + " crashed 3 times in ")
                        .contains(" s; the supervisor stopped restarting it: fix the cause, then run addons start."
                                + " Its last crash: found not running; last lines of its log:\n")
                        .contains("postgresql.conf");
                assertThat(millis).as("ms from the kill to giving up: at least the backoff, 300 + 600")
                        .isGreaterThanOrEqualTo(900);
                assertThat(addons.app("broken", "production").history("postgresql").restarts())
                        .as("restarts that worked")
                        .isZero();
                // Given up: nothing more happens to it while the supervisor runs on.
                assertThat(transitions.poll(3, TimeUnit.SECONDS)).as("a transition after giving up").isNull();
                assertThat(addons.app("broken", "production").list()).singleElement()
                        .satisfies(now -> assertThat(now.message()).isEqualTo(gaveUp.message()));
                assertThat(supervisor.isRunning()).isTrue();

                // Fixed and started by hand: watched anew, so a later crash is restarted again.
                Files.writeString(conf, good);
                assertThat(addons.app("broken", "production").start("postgresql").status()).isEqualTo(Status.ACTIVE);
                process.kill(home, record);
                awaitMessage(transitions, record.id(), "its server " + record.id() + " is not running");
                AddonRecord again = awaitMessage(transitions, record.id(), "");
                assertThat(again.status()).isEqualTo(Status.ACTIVE);
            }
            addons.app("broken", "production").destroy("postgresql");
        }
        try (RuntimeUnderTest process = RuntimeUnderTest.process()) {
            process.assertNothingLeft(home);
        }
    }

    /** The next transition of addon {@code id} whose message starts with {@code prefix}, within a minute. */
    private static AddonRecord awaitMessage(BlockingQueue<AddonRecord> transitions, String id, String prefix)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        List<AddonRecord> heard = new ArrayList<>();
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            AddonRecord seen = transitions.poll(left, TimeUnit.NANOSECONDS);
            if (seen == null) {
                break;
            }
            heard.add(seen);
            if (seen.id().equals(id) && seen.message().startsWith(prefix)) {
                return seen;
            }
        }
        throw new AssertionError("no transition of " + id + " with '" + prefix + "' within a minute; heard " + heard);
    }
}
