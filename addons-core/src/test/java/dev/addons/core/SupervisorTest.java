package dev.addons.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One supervisor per home, and the restart policy's checks and delays; no engine needed. */
class SupervisorTest {
    @TempDir
    Path home;

    @Test
    void aSecondSupervisorOfAHomeIsRefusedNamingThePidOfTheFirstAndAllowedOnceItIsClosed() {
        long pid = ProcessHandle.current().pid();
        try (Addons one = open(); Addons two = open()) {
            assertThat(Supervisor.runningFor(home)).isEmpty();
            Supervisor first = one.supervise();

            assertThat(Supervisor.runningFor(home)).contains(pid);
            assertThat(one.supervise()).as("the same while it runs").isSameAs(first);
            assertThatThrownBy(two::supervise).isInstanceOf(AddonException.class)
                    .hasMessage("A supervisor already runs for the addons home " + home.toAbsolutePath().normalize()
                            + " (pid " + pid + "): one per home at a time; stop it first (e.g. kill " + pid + ")");
            assertThatThrownBy(() -> Addons.builder().home(home).runtime(new FakeRuntime()).supervise(true).build())
                    .isInstanceOf(AddonException.class).hasMessageStartingWith("A supervisor already runs");

            first.close();
            first.close();

            assertThat(first.isRunning()).isFalse();
            assertThat(Supervisor.runningFor(home)).isEmpty();
            try (Supervisor second = two.supervise()) {
                assertThat(Supervisor.runningFor(home)).contains(pid);
            }
        }
        assertThat(Supervisor.runningFor(home)).isEmpty();
    }

    @Test
    void closingTheInstanceClosesItsSupervisor() {
        Supervisor supervisor;
        try (Addons addons = Addons.builder().home(home).runtime(new FakeRuntime()).supervise(true).build()) {
            supervisor = addons.supervise();
            assertThat(supervisor.isRunning()).isTrue();
        }
        assertThat(supervisor.isRunning()).isFalse();
        assertThat(Supervisor.runningFor(home)).isEmpty();
    }

    @Test
    void theRestartPolicyWaitsNotAtFirstThenDoublesUpToItsLongestDelay() {
        RestartPolicy policy = RestartPolicy.DEFAULT;

        assertThat(java.util.stream.IntStream.rangeClosed(1, 8).mapToObj(policy::delayAfter).map(Duration::toSeconds))
                .containsExactly(0L, 1L, 2L, 4L, 8L, 16L, 30L, 30L);
        assertThat(policy.maxCrashes()).isEqualTo(5);
        assertThat(policy.window()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void aRestartPolicyOutOfRangeIsRefusedNamingTheField() {
        Duration second = Duration.ofSeconds(1);

        assertThatThrownBy(() -> new RestartPolicy(Duration.ZERO, second, 1, second))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("firstDelay must be positive: PT0S");
        assertThatThrownBy(() -> new RestartPolicy(second, Duration.ofMillis(500), 1, second))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxDelay must be at least firstDelay (PT1S): PT0.5S");
        assertThatThrownBy(() -> new RestartPolicy(second, second, 0, second))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxCrashes must be at least 1: 0");
        assertThatThrownBy(() -> new RestartPolicy(second, second, 1, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("window must be positive: PT-1S");
        assertThatThrownBy(() -> new RestartPolicy(null, second, 1, second))
                .isInstanceOf(NullPointerException.class).hasMessage("firstDelay == null");
        assertThatThrownBy(() -> Addons.builder().restartPolicy(null))
                .isInstanceOf(NullPointerException.class).hasMessage("policy == null");
    }

    private Addons open() {
        return Addons.builder().home(home).runtime(new FakeRuntime()).build();
    }
}
