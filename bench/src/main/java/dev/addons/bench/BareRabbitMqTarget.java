package dev.addons.bench;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * RabbitMQ as a user would start it by hand: Debian's {@code rabbitmq-server} script run directly
 * (not through the wrapper that switches to the {@code rabbitmq} user), with the management plugin
 * addons enables too, the guest user, its own directories and ports on 127.0.0.1, and an epmd of
 * its own on a free port. Started with {@code setsid}; stopped with SIGTERM as the script
 * expects, then whatever is left in its session is killed, and its epmd (which detaches into a
 * session of its own), and its directory deleted.
 * The yardstick the issue names for the RabbitMQ row: addons should be within 1.2x of it.
 */
final class BareRabbitMqTarget implements Target {
    static final Path SCRIPT = Path.of("/usr/lib/rabbitmq/bin/rabbitmq-server");
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path work;
    private int starts;

    BareRabbitMqTarget(Path work) throws IOException {
        if (!Files.isExecutable(SCRIPT)) {
            throw new IOException(SCRIPT + " is not installed (Debian package rabbitmq-server)");
        }
        this.work = Files.createDirectories(work);
    }

    @Override
    public String name() {
        return "rabbitmq-server";
    }

    @Override
    public Instance start() throws Exception {
        Path dir = Files.createDirectories(work.resolve("node" + (++starts)));
        int amqp = freePort();
        int management = freePort();
        Files.writeString(dir.resolve("rabbitmq.conf"), String.join("\n",
                "listeners.tcp.1 = 127.0.0.1:" + amqp,
                "management.tcp.ip = 127.0.0.1",
                "management.tcp.port = " + management,
                "log.file = false", "log.console = true", ""));
        Files.writeString(dir.resolve("enabled_plugins"), "[rabbitmq_management].\n");
        ProcessBuilder builder = new ProcessBuilder("setsid", SCRIPT.toString())
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile()))
                .redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("HOME", dir.toString());
        env.put("RABBITMQ_NODENAME", "bench" + ProcessHandle.current().pid() + "-" + starts + "@localhost");
        env.put("RABBITMQ_DIST_PORT", Integer.toString(freePort()));
        String epmdPort = Integer.toString(freePort());
        env.put("ERL_EPMD_PORT", epmdPort);
        env.put("ERL_EPMD_ADDRESS", "127.0.0.1");
        env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq.conf").toString());
        env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
        env.put("RABBITMQ_CONF_ENV_FILE", dir.resolve("rabbitmq-env.conf").toString());
        env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
        env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
        env.put("RABBITMQ_PID_FILE", dir.resolve("rabbitmq.pid").toString());
        Process process = builder.start();
        Map<String, String> vars = Map.of("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:" + amqp + "/%2F");
        return new Instance() {
            @Override
            public Map<String, String> variables() {
                return vars;
            }

            @Override
            public void close() throws Exception {
                long session = process.pid();
                process.destroy();
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor();
                }
                killSession(session);
                killEpmd(epmdPort);
                deleteTree(dir);
            }
        };
    }

    /** Kills what is left in the session {@code session} led, and waits for it. */
    private static void killSession(long session) throws InterruptedException {
        List<ProcessHandle> left;
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            left = all.filter(p -> sessionOf(p.pid()) == session).toList();
        }
        left.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : left) {
            p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> p).join();
        }
    }

    /**
     * Kills the epmd the node started on {@code port}: {@code epmd -daemon} detaches into a session
     * of its own, so {@link #killSession} does not see it; it is told by its environment.
     */
    private static void killEpmd(String port) {
        List<ProcessHandle> epmds;
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            epmds = all.filter(p -> p.info().command().map(c -> c.endsWith("/epmd")).orElse(false))
                    .filter(p -> environmentOf(p.pid()).contains("ERL_EPMD_PORT=" + port)).toList();
        }
        epmds.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : epmds) {
            p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> p).join();
        }
    }

    private static List<String> environmentOf(long pid) {
        try {
            return List.of(Files.readString(Path.of("/proc", Long.toString(pid), "environ")).split("\0"));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static long sessionOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
