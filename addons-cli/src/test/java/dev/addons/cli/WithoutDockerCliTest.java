package dev.addons.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.AddonSpec;
import dev.addons.core.Addons;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command where no Docker API is (a {@code DOCKER_HOST} nothing listens on, a user home with
 * no Docker or Testcontainers settings), in a JVM of its own with the CLI's own logging: the
 * commands that read or remove a process-runtime addon do not look for Docker, a command that
 * lets {@code auto} choose says why in its one line, and none prints Testcontainers' report.
 */
class WithoutDockerCliTest {
    @TempDir
    Path home;
    @TempDir
    Path files;

    @Test
    void commandsPrintNothingOfTestcontainersAndAutoSaysWhyItTookTheProcessRuntimeInOneLine() throws Exception {
        try (Addons addons = Addons.builder().home(home).runtime("process").automaticBackups(false).build()) {
            addons.app("shop", "production").create(AddonSpec.parse("memcached"));
        }

        Cli.Result env = cli("env", "-a", "shop");
        Cli.Result list = cli("list", "-a", "shop");
        Cli.Result badInput = cli("create", "-a", "Bad!", "memcached");
        Cli.Result available = cli("--verbose", "list-available");
        Cli.Result destroy = cli("destroy", "-a", "shop", "memcached");

        assertThat(env.exitCode()).as(env.toString()).isZero();
        assertThat(env.out()).contains("MEMCACHE_HOST=127.0.0.1");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out()).contains("memcached").contains("active").contains("process");
        assertThat(badInput.exitCode()).as(badInput.toString()).isEqualTo(2);
        assertThat(badInput.err()).isEqualTo("addons: app name 'Bad!' is invalid: use 1-40 lower-case letters,"
                + " digits and single '-', starting with a letter\n");
        assertThat(destroy.exitCode()).as(destroy.toString()).isZero();
        for (Cli.Result quiet : List.of(env, list, destroy)) {
            assertThat(quiet.err()).as(quiet.toString()).isEmpty();
        }
        assertThat(available.exitCode()).as(available.toString()).isZero();
        String why = "auto: no Docker-API endpoint answered (nothing listens at DOCKER_HOST="
                + files.resolve("no-docker.sock") + ", ";
        assertThat(available.out()).startsWith("New servers run on the process runtime (" + why);
        assertThat(available.err().lines().filter(line -> line.contains("Docker")).toList()).as(available.err())
                .singleElement().asString().startsWith("INFO Runtimes - " + home.toAbsolutePath()
                        + " - New servers run on the process runtime: " + why);
        for (Cli.Result result : List.of(env, list, badInput, available, destroy)) {
            assertThat(result.err().lines()).as(result.toString())
                    .noneMatch(line -> line.toLowerCase(java.util.Locale.ROOT).contains("testcontainers")
                            || line.contains("DockerClientProviderStrategy") || line.startsWith("ERROR")
                            || line.startsWith("\tat "));
        }
        assertThat(files.resolve("user").resolve(".testcontainers.properties")).doesNotExist();
    }

    /** The command in a JVM of its own, as bin/addons runs it, on this test's class path. */
    private Cli.Result cli(String... args) throws Exception {
        Path userHome = Files.createDirectories(files.resolve("user"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + userHome, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--home", home.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(files.toFile());
        builder.environment().put("DOCKER_HOST", "unix://" + files.resolve("no-docker.sock"));
        builder.environment().remove("ADDONS_HOME");
        builder.environment().remove("XDG_RUNTIME_DIR");
        Path err = files.resolve("stderr.txt");
        Process process = builder.redirectError(err.toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the command finished").isTrue();
        Cli.Result result = new Cli.Result(process.exitValue(), out, Files.readString(err));
        Cli.keep(args, result);
        return result;
    }
}
