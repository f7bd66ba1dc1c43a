package dev.addons.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example as README tells users to run it: {@code bin/addons deploy} of its app file, then
 * {@code bin/addons run -a spring-shop -- examples/spring-shop/run.sh order tea}, in a home of
 * its own, on the process runtime. The app has no connection settings: what it reaches, it
 * reaches through the variables {@code run} injects.
 */
class ShopRunTest {
    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

    @TempDir
    Path home;
    @TempDir
    Path files;

    private record Result(int exit, String out, String err) {
    }

    @Test
    void theAppRunsThroughAddonsRunAndUsesEachOfItsAddons() throws Exception {
        Result deployed = addons("deploy", "-f", ROOT.resolve("examples/spring-shop/addons.toml").toString());
        assertThat(deployed.exit()).as("deploy: %s", deployed.err()).isZero();
        try {
            Result run = addons("run", "-a", "spring-shop", "--", ROOT.resolve("examples/spring-shop/run.sh").toString(),
                    "order", "tea");

            assertThat(run.exit()).as("run: %s", run.err()).isZero();
            assertThat(run.out()).contains("postgresql: saved order 1 (tea)", "valkey: orders placed 1",
                    "rabbitmq: listener received order 1 (tea)");
        } finally {
            for (String addon : List.of("rabbitmq", "valkey", "postgresql")) {
                Result destroyed = addons("destroy", addon, "-a", "spring-shop", "--no-backup");
                assertThat(destroyed.exit()).as("destroy %s: %s", addon, destroyed.err()).isZero();
            }
        }
        assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains(home.toString()))).as("servers left in " + home).isEmpty();
    }

    /** {@code bin/addons --home HOME --runtime process ARGS}, on this test's class path (nothing is built). */
    private Result addons(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("bin/addons").toString(), "--home", home.toString(),
                "--runtime", "process"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(files.toFile());
        builder.environment().put("ADDONS_CLI_CLASSPATH", System.getProperty("java.class.path"));
        builder.environment().remove("ADDONS_HOME");
        builder.environment().remove("ADDONS_APP");
        Path err = Files.createTempFile(files, "stderr", ".txt");
        Process process = builder.redirectError(err.toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(4, TimeUnit.MINUTES)).as("bin/addons %s finished", args[0]).isTrue();
        return new Result(process.exitValue(), out, Files.readString(err));
    }
}
