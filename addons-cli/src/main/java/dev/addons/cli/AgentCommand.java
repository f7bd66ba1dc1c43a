package dev.addons.cli;

import dev.addons.api.AddonException;
import dev.addons.core.Addons;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code addons agent [--print-systemd-unit]}: supervises one home in the foreground until
 * SIGTERM (or SIGINT): starts what should run, as {@code up} does, starts again servers that die
 * (with backoff; a crash loop ends FAILED), and takes the scheduled backups that are due. It logs
 * through slf4j-simple on stderr (its own and the supervisor's lines at INFO; {@code --verbose}
 * adds the library's) and prints status transitions on stdout. Stopping it, even with SIGKILL,
 * leaves every server running; a new agent adopts them. One agent per home.
 */
@Command(name = "agent", description = "Keep the home's servers up, in the foreground until SIGTERM: start what should"
        + " run (as up does), start servers that die again on their data (with backoff; a crash loop ends failed),"
        + " take the scheduled backups that are due. Servers keep running when it stops. One agent per home.")
final class AgentCommand extends AddonsCommand {
    /** Set by bin/addons to its own absolute path, which a systemd unit runs. */
    static final String LAUNCHER_PROPERTY = "addons.launcher";
    /** The loggers an agent shows at INFO without {@code --verbose}: its own and the supervisor's. */
    private static final List<String> AGENT_LOGGERS = List.of("dev.addons.cli", "dev.addons.core.Supervisor",
            "dev.addons.core.internal.CrashWatch", "dev.addons.core.internal.BackupWatch");

    @Option(names = "--print-systemd-unit", description = "Print a systemd unit that runs this agent at boot (for"
            + " /etc/systemd/system/addons-agent.service), and exit.")
    boolean printSystemdUnit;

    @Override
    public Integer call() throws InterruptedException {
        if (printSystemdUnit) {
            out().print(systemdUnit());
            out().flush();
            return 0;
        }
        // Before any logger is made (slf4j-simple reads its levels once per logger).
        for (String logger : AGENT_LOGGERS) {
            System.setProperty("org.slf4j.simpleLogger.log." + logger, "info");
        }
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AgentCommand.class);
        // It stays: its own threads start the warm servers its pools lack, as they are taken, and
        // make the templates' spares; the servers it (re)starts are its children, reaped at once.
        System.clearProperty("addons.process.fillWarmAfterExit");
        System.clearProperty("addons.process.shortLived");
        Addons addons = openShowingTransitions();
        try {
            addons.supervise();
        } catch (RuntimeException e) {
            addons.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        PrintWriter out = out();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (stopping.getAndSet(true)) {
                return;
            }
            log.info("addons agent (pid {}) stopping; servers keep running", ProcessHandle.current().pid());
            addons.close();
            stopped.countDown();
            out.flush();
            System.out.flush();
            System.err.flush();
            // Asked to stop, and stopped cleanly: exit 0, not the 143 the JVM gives a SIGTERM.
            Runtime.getRuntime().halt(0);
        }, "addons-agent-stop"));
        log.info("addons agent (pid {}) supervises {}; stop it with SIGTERM", ProcessHandle.current().pid(),
                main.home());
        stopped.await();
        return 0;
    }

    /** A unit running {@code <bin/addons> agent --home <home>} at boot, as this user. */
    String systemdUnit() {
        String launcher = System.getProperty(LAUNCHER_PROPERTY);
        if (launcher == null || launcher.isBlank()) {
            throw new AddonException("cannot tell where bin/addons is, which the unit must run by its absolute path:"
                    + " run this through bin/addons");
        }
        Path home = main.home();
        List<String> command = new ArrayList<>(List.of(Path.of(launcher).toAbsolutePath().normalize().toString(),
                "agent", "--home", home.toString()));
        if (!"auto".equals(main.runtime)) {
            command.addAll(List.of("--runtime", main.runtime));
        }
        StringBuilder unit = new StringBuilder()
                .append("[Unit]\n")
                .append("Description=addons agent: keeps the servers of ").append(home).append(" up\n")
                .append("After=network.target\n")
                .append("\n[Service]\n")
                .append("Type=simple\n")
                .append("User=").append(System.getProperty("user.name")).append('\n');
        for (String variable : List.of("JAVA_HOME", "DOCKER_HOST")) {
            String value = System.getenv(variable);
            if (value != null && !value.isBlank()) {
                unit.append("Environment=").append(quoted(variable + "=" + value)).append('\n');
            }
        }
        unit.append("ExecStart=").append(String.join(" ", command.stream().map(AgentCommand::quoted).toList()))
                .append('\n')
                .append("Restart=on-failure\n")
                .append("KillSignal=SIGTERM\n")
                .append("TimeoutStopSec=15\n")
                .append("SuccessExitStatus=143\n")
                .append("\n[Install]\n")
                .append("WantedBy=multi-user.target\n");
        return unit.toString();
    }

    /** A word as systemd reads it: double-quoted when it holds a space, a quote or a backslash. */
    private static String quoted(String word) {
        if (!word.matches(".*[\\s\"'\\\\].*")) {
            return word;
        }
        return "\"" + word.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
