package dev.addons.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.InvalidSpecException;
import dev.addons.core.internal.process.ProcessRuntime;
import dev.addons.core.runtime.RuntimeContext;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runtimes by name and {@code auto}'s choice, with two runtimes of "other modules" declared in
 * this module's test {@code META-INF/services}: {@code recording}, which {@code auto} never
 * chooses, and {@code probed}, which it prefers to the process runtime when its probe finds it
 * available, as it prefers the container runtime (whose own test is in addons-container).
 */
class RuntimesTest {
    @TempDir
    Path home;

    @Test
    void aRuntimeAskedForByNameIsTheOneNewServersStartOnAndSaysSoWithoutProbing() {
        try (Runtimes runtimes = Runtimes.open(home, home.resolve("cache"), "process", null)) {
            assertThat(runtimes.chosen()).isInstanceOf(ProcessRuntime.class);
            assertThat(runtimes.reason()).isEqualTo("asked for by name");
            assertThat(runtimes.get("auto")).isSameAs(runtimes.chosen());
            assertThat(runtimes.get("process")).isSameAs(runtimes.chosen());
        }
        assertThat(ProbedRuntimeFactory.probes(home)).isZero();
    }

    @Test
    void anUnknownRuntimeIsRefusedWithTheAllowedOnesAndTheModuleOfOneOfAddonsOwn() {
        assertThatThrownBy(() -> Runtimes.check("docker"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("runtime 'docker' is not available. Allowed: [process, probed, recording] or auto");
        assertThatThrownBy(() -> Runtimes.check("container"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("runtime 'container' is not available. Allowed: [process, probed, recording] or auto."
                        + " Add dev.addons:addons-container for it");
        assertThatThrownBy(() -> Runtimes.check("kubernetes"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("runtime 'kubernetes' is not available. Allowed: [process, probed, recording] or auto."
                        + " Add dev.addons:addons-kubernetes for it");
    }

    @Test
    void aRuntimeOfAnotherModuleIsFoundThroughItsFactoryAfterTheBuiltInOne() {
        assertThat(Runtimes.names()).containsExactly("process", ProbedRuntimeFactory.NAME,
                RecordingRuntimeFactory.NAME);
        assertThat(Runtimes.check(RecordingRuntimeFactory.NAME)).isEqualTo(RecordingRuntimeFactory.NAME);
    }

    @Test
    void aRuntimeIsMadeWithTheHomeAndTheSettingsGivenElseTheSystemProperty() {
        System.setProperty("addons.recording.colour", "from a property");
        System.setProperty("addons.recording.size", "from a property");
        try (Runtimes runtimes = Runtimes.open(new RuntimeContext(home, home.resolve("cache"),
                Map.of("recording.colour", "given")), RecordingRuntimeFactory.NAME, null)) {
            var context = ((RecordingRuntimeFactory.Made) runtimes.chosen()).context();

            assertThat(context.home()).isEqualTo(home);
            assertThat(context.setting("recording.colour")).contains("given");
            assertThat(context.setting("recording.size")).contains("from a property");
            assertThat(context.setting("recording.shape")).isEmpty();
        } finally {
            System.clearProperty("addons.recording.colour");
            System.clearProperty("addons.recording.size");
        }
    }

    @Test
    void autoChoosesTheAvailableRuntimeOfHighestPriorityAndMakesTheProcessRuntimeOnDemand() {
        try (Runtimes runtimes = Runtimes.open(new RuntimeContext(home, home.resolve("cache"),
                Map.of(ProbedRuntimeFactory.AVAILABLE, "true")), "auto", null)) {
            assertThat(runtimes.chosen().name()).isEqualTo(ProbedRuntimeFactory.NAME);
            assertThat(runtimes.reason()).isEqualTo("auto: the probed endpoint answered");
            assertThat(runtimes.get("auto")).isSameAs(runtimes.chosen());
            assertThat(runtimes.get(ProbedRuntimeFactory.NAME)).isSameAs(runtimes.chosen());
            assertThat(runtimes.get("process")).isInstanceOf(ProcessRuntime.class)
                    .isSameAs(runtimes.get("process"));
        }
        assertThat(ProbedRuntimeFactory.probes(home)).isEqualTo(1);
    }

    @Test
    void autoPassesOverAnUnavailableRuntimeToTheProcessRuntimeAndSaysWhy() {
        try (Runtimes runtimes = Runtimes.open(home, home.resolve("cache"), "auto", null)) {
            assertThat(runtimes.chosen()).isInstanceOf(ProcessRuntime.class);
            assertThat(runtimes.reason()).isEqualTo("auto: no probed endpoint answered (nothing listens)");
        }
    }

    @Test
    void autoNeverChoosesARuntimeThatOnlyAsksToBeNamed() {
        try (Runtimes runtimes = Runtimes.open(home, home.resolve("cache"), "auto", null)) {
            assertThat(runtimes.chosen().name()).isEqualTo("process");
            assertThat(runtimes.made()).extracting(r -> r.name()).doesNotContain(RecordingRuntimeFactory.NAME);
        }
    }

    @Test
    void autoProbesOnceWhenTheRuntimeOfNewServersIsFirstAskedForAndNotBefore() {
        try (Runtimes runtimes = Runtimes.open(new RuntimeContext(home, home.resolve("cache"),
                Map.of(ProbedRuntimeFactory.AVAILABLE, "true")), "auto", null)) {
            runtimes.get("process");
            runtimes.get(RecordingRuntimeFactory.NAME);
            assertThat(runtimes.made()).extracting(r -> r.name()).containsExactlyInAnyOrder("process",
                    RecordingRuntimeFactory.NAME);
            assertThat(ProbedRuntimeFactory.probes(home)).as("probes before a new server needs a runtime").isZero();

            runtimes.chosen();
            runtimes.reason();
            runtimes.get("auto");

            assertThat(ProbedRuntimeFactory.probes(home)).isEqualTo(1);
        }
    }

    @Test
    void openingAHomeAndReadingItNeverProbesButListingWhatCanBeCreatedDoes() {
        try (dev.addons.core.Addons addons = dev.addons.core.Addons.builder().home(home).cache(home.resolve("cache"))
                .automaticBackups(false).build()) {
            assertThat(addons.listAll()).isEmpty();
            assertThat(ProbedRuntimeFactory.probes(home)).isZero();

            assertThat(addons.available()).isNotEmpty();
            assertThat(addons.runtimeReason()).isEqualTo("auto: no probed endpoint answered (nothing listens)");
            assertThat(ProbedRuntimeFactory.probes(home)).isEqualTo(1);
        }
    }

    @Test
    void aDeployOfAnAppFileThatNamesItsRuntimeNeverProbesAndOneThatDoesNotLetsAutoChoose() {
        try (dev.addons.core.Addons addons = dev.addons.core.Addons.builder().home(home).cache(home.resolve("cache"))
                .automaticBackups(false).build()) {
            addons.deploy(dev.addons.core.AppFile.parse("name = \"shop\"\nruntime = \"process\"\n[addons]\n",
                    "addons.toml"), "production");
            assertThat(ProbedRuntimeFactory.probes(home)).isZero();

            addons.deploy(dev.addons.core.AppFile.parse("name = \"shop\"\n[addons]\n", "addons.toml"), "production");
            assertThat(ProbedRuntimeFactory.probes(home)).isEqualTo(1);
        }
    }

    @Test
    void autoTakesARuntimeInUseAlreadyWithoutProbingItAgain() {
        try (Runtimes runtimes = Runtimes.open(new RuntimeContext(home, home.resolve("cache"),
                Map.of(ProbedRuntimeFactory.AVAILABLE, "true")), "auto", null)) {
            var probed = runtimes.get(ProbedRuntimeFactory.NAME);

            assertThat(runtimes.chosen()).isSameAs(probed);
            assertThat(runtimes.reason()).isEqualTo("auto: the probed runtime is in use here");
        }
        assertThat(ProbedRuntimeFactory.probes(home)).isZero();
    }
}
