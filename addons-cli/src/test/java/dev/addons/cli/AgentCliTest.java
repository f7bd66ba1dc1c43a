package dev.addons.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.core.Addons;
import dev.addons.core.Supervisor;
import dev.addons.testkit.Loopback;
import dev.addons.testkit.RuntimeUnderTest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/addons agent} as a process of its own on a real Valkey (process runtime): SIGKILL of
 * the agent leaves servers running and a new agent adopts them, one agent per home, SIGTERM ends
 * it within 10 s with exit code 0, and the systemd unit it prints.
 */
class AgentCliTest {
    @TempDir
    Path home;

    @TempDir
    Path files;

    private final List<Agent> agents = new ArrayList<>();

    @AfterEach
    void stopAgentsAndDestroyEverything() throws Exception {
        for (Agent agent : agents) {
            agent.process.destroyForcibly();
            agent.process.waitFor(1, TimeUnit.MINUTES);
        }
        try (Addons addons = Addons.builder().home(home).runtime("process").automaticBackups(false).build()) {
            for (AddonRecord record : addons.listAll()) {
                addons.app(record.app(), record.environment()).destroy(record.addon());
            }
        }
        try (RuntimeUnderTest process = RuntimeUnderTest.process()) {
            process.assertNothingLeft(home);
        }
    }

    @Test
    void theAgentsKillLeavesServersRunningAndANewAgentAdoptsThemAndStartsAKilledOneAgain() throws Exception {
        AddonRecord record;
        Map<String, String> before;
        try (Addons addons = open()) {
            record = addons.app("kept", "production").create(AddonSpec.parse("valkey").withVersion("7"));
            before = addons.app("kept", "production").env().toMap();
        }
        int port = Integer.parseInt(before.get("REDIS_PORT"));
        Agent first = startAgent();
        first.awaitLog("supervises " + home);

        first.process.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertThat(first.process.waitFor(1, TimeUnit.MINUTES)).isTrue();

        assertThat(Loopback.isListening(port)).as("the server after its agent's SIGKILL").isTrue();
        assertThat(Supervisor.runningFor(home)).as("a supervisor after the agent's SIGKILL").isEmpty();
        Agent second = startAgent();
        second.awaitLog("supervises " + home);
        assertThat(Supervisor.runningFor(home)).contains(second.process.pid());
        Cli.Result third = binAddons("agent");
        assertThat(third.exitCode()).as(third.toString()).isEqualTo(1);
        assertThat(third.err()).contains("A supervisor already runs for the addons home " + home + " (pid "
                + second.process.pid() + "): one per home at a time");

        try (RuntimeUnderTest process = RuntimeUnderTest.process()) {
            process.kill(home, record);
        }
        second.awaitLog("server " + record.id() + " runs again on its data");

        try (Addons addons = open()) {
            assertThat(addons.app("kept", "production").env().toMap()).isEqualTo(before);
            assertThat(addons.app("kept", "production").history("valkey").restarts()).isEqualTo(1);
        }
        assertThat(Loopback.isListening(port)).isTrue();
    }

    @Test
    void sigtermEndsTheAgentWithinTenSecondsWithExitCodeZeroAndServersKeepRunning() throws Exception {
        int port;
        try (Addons addons = open()) {
            addons.app("calm", "production").create(AddonSpec.parse("valkey").withVersion("7"));
            port = Integer.parseInt(addons.app("calm", "production").env().get("REDIS_PORT").orElseThrow());
        }
        Agent agent = startAgent();
        agent.awaitLog("supervises " + home);

        agent.process.destroy(); // SIGTERM

        assertThat(agent.process.waitFor(10, TimeUnit.SECONDS)).as("the agent ended within 10 s").isTrue();
        assertThat(agent.process.exitValue()).isZero();
        assertThat(Loopback.isListening(port)).as("the server after its agent's SIGTERM").isTrue();
        assertThat(Supervisor.runningFor(home)).isEmpty();
    }

    @Test
    void theSystemdUnitRunsTheAgentOfThisHomeThroughBinAddonsByItsAbsolutePath() throws Exception {
        Cli.Result printed = binAddons("agent", "--print-systemd-unit");

        assertThat(printed.exitCode()).as(printed.toString()).isZero();
        assertThat(printed.out()).contains(
                "[Unit]\n",
                "After=network.target\n",
                "[Service]\nType=simple\nUser=" + System.getProperty("user.name") + "\n",
                "ExecStart=" + script() + " agent --home " + home + " --runtime process\n",
                "Restart=on-failure\nKillSignal=SIGTERM\nTimeoutStopSec=15\n",
                "[Install]\nWantedBy=multi-user.target\n");
        assertThat(script()).isAbsolute();
    }

    @Test
    void theSystemdUnitIsRefusedWhenNotRunThroughBinAddons() {
        Cli.Result printed = Cli.run(new Main(), "--home", home.toString(), "agent", "--print-systemd-unit");

        assertThat(printed.exitCode()).isEqualTo(1);
        assertThat(printed.err()).contains("cannot tell where bin/addons is, which the unit must run by its absolute"
                + " path: run this through bin/addons");
    }

    private Addons open() {
        return Addons.builder().home(home).runtime("process").automaticBackups(false).build();
    }

    /** An agent started through bin/addons, its stderr (the log) read line by line. */
    private Agent startAgent() throws Exception {
        Process process = command("agent").redirectOutput(files.resolve("agent-" + agents.size() + ".out").toFile())
                .start();
        Agent agent = new Agent(process, new LinkedBlockingQueue<>());
        agents.add(agent);
        Thread reader = new Thread(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = err.readLine(); line != null; line = err.readLine()) {
                    agent.log.add(line);
                }
            } catch (java.io.IOException e) {
                agent.log.add("(reading its log failed: " + e + ")");
            }
        }, "agent-log-reader");
        reader.setDaemon(true);
        reader.start();
        return agent;
    }

    private record Agent(Process process, BlockingQueue<String> log) {
        /** Waits up to a minute for a log line containing {@code text}. */
        void awaitLog(String text) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            List<String> seen = new ArrayList<>();
            for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
                String line = log.poll(left, TimeUnit.NANOSECONDS);
                if (line == null) {
                    break;
                }
                seen.add(line);
                if (line.contains(text)) {
                    return;
                }
            }
            throw new AssertionError("no log line with '" + text + "' within a minute; the agent logged " + seen);
        }
    }

    private Cli.Result binAddons(String... args) throws Exception {
        Process process = command(args).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("bin/addons finished").isTrue();
        Cli.Result result = new Cli.Result(process.exitValue(), out, err);
        Cli.keep(args, result);
        return result;
    }

    private ProcessBuilder command(String... args) {
        List<String> command = new ArrayList<>(List.of(script().toString(), "--home", home.toString(), "--runtime",
                "process"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(files.toFile());
        builder.environment().put("ADDONS_CLI_CLASSPATH", System.getProperty("java.class.path"));
        builder.environment().remove("ADDONS_HOME");
        builder.environment().remove("DOCKER_HOST");
        return builder;
    }

    private static Path script() {
        return Path.of(System.getProperty("addons.root", ".."), "bin", "addons").toAbsolutePath().normalize();
    }
}
