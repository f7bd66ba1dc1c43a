package dev.addons.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.InvalidSpecException;
import dev.addons.core.internal.container.ContainerRuntime;
import dev.addons.core.internal.process.ProcessRuntime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimesTest {
    @TempDir
    Path home;

    @Test
    void aRuntimeAskedForByNameIsTheOneNewServersStartOnAndSaysSo() {
        try (Runtimes runtimes = Runtimes.open(home, home.resolve("cache"), "process", null)) {
            assertThat(runtimes.chosen()).isInstanceOf(ProcessRuntime.class);
            assertThat(runtimes.reason()).isEqualTo("asked for by name");
            assertThat(runtimes.get("auto")).isSameAs(runtimes.chosen());
            assertThat(runtimes.get("process")).isSameAs(runtimes.chosen());
        }
    }

    @Test
    void anUnknownRuntimeIsRefusedWithTheAllowedOnes() {
        assertThatThrownBy(() -> Runtimes.check("kubernetes"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("runtime 'kubernetes' is not available. Allowed: [process, container, recording] or auto");
    }

    @Test
    void aRuntimeOfAnotherModuleIsFoundThroughItsFactoryAfterTheBuiltInOnes() {
        assertThat(Runtimes.names()).containsExactly("process", "container", RecordingRuntimeFactory.NAME);
        assertThat(Runtimes.check(RecordingRuntimeFactory.NAME)).isEqualTo(RecordingRuntimeFactory.NAME);
    }

    @Test
    void aRuntimeIsMadeWithTheHomeAndTheSettingsGivenElseTheSystemProperty() {
        System.setProperty("addons.recording.colour", "from a property");
        System.setProperty("addons.recording.size", "from a property");
        try (Runtimes runtimes = Runtimes.open(new dev.addons.core.runtime.RuntimeContext(home, home.resolve("cache"),
                java.util.Map.of("recording.colour", "given")), RecordingRuntimeFactory.NAME, null)) {
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
    void autoChoosesTheContainerRuntimeWhenADockerApiAnswersAndMakesTheProcessRuntimeOnDemand() {
        try (Runtimes runtimes = Runtimes.open(home, home.resolve("cache"), "auto", null)) {
            if (!runtimes.chosen().name().equals(ContainerRuntime.NAME)) {
                // Only where no Docker API exists at all; CI always has one.
                assertThat(System.getenv("CI")).as("CI has a Docker API: " + runtimes.reason()).isNotEqualTo("true");
                assertThat(runtimes.reason()).startsWith("auto: no Docker-API endpoint answered (");
                org.junit.jupiter.api.Assumptions.abort("no Docker API here: " + runtimes.reason());
            }
            assertThat(runtimes.reason()).startsWith("auto: a Docker API answered at ")
                    .contains(((ContainerRuntime) runtimes.chosen()).endpoint());
            assertThat(runtimes.get("process")).isInstanceOf(ProcessRuntime.class)
                    .isSameAs(runtimes.get("process"));
        }
    }

    @Test
    void autoChoosesTheProcessRuntimeWhenNoDockerApiAnswersAndSaysWhy() throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // No ~/.testcontainers.properties or ~/.docker of the user's to find an endpoint in.
                "-Duser.home=" + home,
                "-cp", System.getProperty("java.class.path"), ChooseRuntimeInAnotherJvm.class.getName(),
                home.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("DOCKER_HOST", "unix://" + home.resolve("no-docker.sock"));

        long begin = System.nanoTime();
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        System.out.printf("auto without a Docker API, in a new JVM: %d ms%n", (System.nanoTime() - begin) / 1_000_000);

        assertThat(out.lines().toList()).hasSize(2).first().isEqualTo("process");
        assertThat(out.lines().skip(1).findFirst().orElseThrow())
                .startsWith("auto: no Docker-API endpoint answered (");
    }
}
