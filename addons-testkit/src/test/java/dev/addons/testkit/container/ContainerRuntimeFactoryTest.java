package dev.addons.testkit.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.core.internal.Runtimes;
import dev.addons.container.ContainerRuntime;
import dev.addons.core.internal.process.ProcessRuntime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code auto}'s choice with this module on the class path: the container runtime whenever a Docker API answers. */
class ContainerRuntimeFactoryTest {
    @TempDir
    Path home;

    @Test
    void theContainerRuntimeIsListedAfterTheProcessRuntime() {
        assertThat(Runtimes.names()).containsExactly("process", "container");
    }

    @Test
    void autoChoosesTheContainerRuntimeWhenADockerApiAnswersAndMakesTheProcessRuntimeOnDemand() {
        try (Runtimes runtimes = Runtimes.open(home, home.resolve("cache"), "auto", null)) {
            // The container tests need a Docker API (CI starts Podman's): without one this fails.
            assertThat(runtimes.chosen().name()).as(runtimes.reason()).isEqualTo(ContainerRuntime.NAME);
            assertThat(runtimes.reason()).startsWith("auto: a Docker API answered at ")
                    .contains(((ContainerRuntime) runtimes.chosen()).endpoint());
            assertThat(runtimes.get("container")).isSameAs(runtimes.chosen());
            assertThat(runtimes.get("process")).isInstanceOf(ProcessRuntime.class)
                    .isSameAs(runtimes.get("process"));
        }
    }

    /**
     * Where nothing listens: the process runtime, said in the one INFO line of the choice, at
     * once, and not a line of Testcontainers' (its discovery is never run).
     */
    @Test
    void autoChoosesTheProcessRuntimeWhenNoDockerApiAnswersAndSaysWhyInOneLogLine() throws Exception {
        Path userHome = Files.createDirectories(home.resolve("user"));
        Path stderr = home.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // No ~/.testcontainers.properties or ~/.docker of the user's to find an endpoint in.
                "-Duser.home=" + userHome,
                "-cp", System.getProperty("java.class.path"), ChooseRuntimeInAnotherJvm.class.getName(),
                home.toString()).redirectError(stderr.toFile());
        builder.environment().put("DOCKER_HOST", "unix://" + home.resolve("no-docker.sock"));

        long begin = System.nanoTime();
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        System.out.printf("auto without a Docker API, in a new JVM: %d ms%n", (System.nanoTime() - begin) / 1_000_000);

        assertThat(out.lines().toList()).hasSize(2).first().isEqualTo("process");
        assertThat(out.lines().skip(1).findFirst().orElseThrow())
                .startsWith("auto: no Docker-API endpoint answered (nothing listens at DOCKER_HOST="
                        + home.resolve("no-docker.sock") + ", ");
        List<String> logged = Files.readAllLines(stderr);
        assertThat(logged).as("stderr").singleElement().asString()
                .contains(" INFO dev.addons.core.internal.Runtimes - " + home
                        + " - New servers run on the process runtime: auto: no Docker-API endpoint answered (");
        assertThat(userHome.resolve(".testcontainers.properties")).as("written by Testcontainers' discovery")
                .doesNotExist();
    }
}
