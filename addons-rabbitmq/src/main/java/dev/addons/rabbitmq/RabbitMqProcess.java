package dev.addons.rabbitmq;

import dev.addons.api.Endpoint;
import dev.addons.api.spi.ProcessContext;
import dev.addons.api.spi.ProcessRecipe;
import dev.addons.api.spi.ProcessRecipe.StopSignal;
import dev.addons.api.spi.Secrets;
import dev.addons.api.spi.ServerAccess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * How to run one RabbitMQ node from the host's binaries. The initializer writes the node's
 * {@code rabbitmq.conf} (listeners on the loopback address, the admin user), its plugin list (the
 * management plugin, whose HTTP API the provider works through) and its Erlang cookie, all
 * owner-only in the run directory, and links to the applications the node runs
 * ({@link RabbitMqPlugins}); {@link RabbitMqNode} starts the node with only those files.
 *
 * <p>SIGTERM makes {@code rabbitmq-server} stop the node cleanly (connections closed, message
 * stores flushed). On RabbitMQ 3.10 that takes about 6 s, 5 of them a fixed wait in the management
 * agent's shutdown (removed upstream in 3.13), hence the generous stop timeout. A restart stops it
 * so. A destroy kills it ({@link StopSignal#KILL}): the runtime kills the node's whole session,
 * which holds the node's own {@code epmd} too (no other node uses it), and every file the node
 * writes (Mnesia, logs, expanded plugins, cookie) is under the server's directories, which go
 * with it. Stateless and thread-safe.
 */
final class RabbitMqProcess {

    /** Extra port: the management plugin's HTTP API. */
    static final String MANAGEMENT = "management";
    /** Extra port: the Erlang distribution listener. */
    static final String DIST = "dist";
    /**
     * Extra port: the node's own epmd. A helper port ({@link ProcessRecipe#helperPorts()}): epmd
     * only maps node names to ports and is never sent a password or the cookie, and an epmd
     * already answering there (another node's, which Erlang lets nodes share) is used by the node
     * in place of its own, so the runtime only checks that something listens on it. The node's
     * other ports (AMQP, management API, distribution) must be the node's own.
     */
    static final String EPMD = "epmd";

    static final String CONFIG_FILE = "rabbitmq.conf";
    static final String PLUGINS_FILE = "enabled_plugins";
    static final String COOKIE_FILE = ".erlang.cookie";

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private RabbitMqProcess() {
    }

    private static final Duration REKEY_TIMEOUT = Duration.ofSeconds(30);

    /** The recipe for {@code major}, whose admin is {@code adminUser} with {@code adminPassword}. */
    static ProcessRecipe recipe(String major, String adminUser, String adminPassword) {
        return ProcessRecipe.builder(RabbitMqBinaries.forVersion(major), RabbitMqNode::command)
                .initializer(context -> initialize(context, major, adminUser, adminPassword))
                .stopSignal(StopSignal.TERM)
                .stopTimeout(STOP_TIMEOUT)
                .extraPorts(MANAGEMENT, DIST, EPMD)
                .destroySignal(StopSignal.KILL)
                .helperPorts(EPMD)
                .rekey((context, current, password) -> rekey(context, current, adminUser, password))
                .build();
    }

    /**
     * Gives the admin {@code password} through the management API ({@code PUT /api/users/<admin>},
     * keeping its {@code administrator} tag) and writes the configuration file again with it: its
     * {@code default_pass} only seeds an empty database, but no file keeps a password that no
     * longer works.
     */
    static void rekey(ProcessContext context, ServerAccess current, String adminUser, String password)
            throws IOException, InterruptedException {
        ManagementApi api = ManagementApi.of(current, REKEY_TIMEOUT);
        RabbitMqTenants.expectSuccess(api.put("/api/users/" + java.net.URLEncoder.encode(adminUser,
                StandardCharsets.UTF_8), Json.write(java.util.Map.of("password", password, "tags", "administrator"))),
                "PUT /api/users/" + adminUser);
        context.writePrivateFile(CONFIG_FILE, config(context, adminUser, password));
    }

    static void initialize(ProcessContext context, String major, String adminUser, String adminPassword)
            throws IOException {
        RabbitMqBinaries.requireMajor(context.binary("rabbitmq-server"), major);
        context.writePrivateFile(CONFIG_FILE, config(context, adminUser, adminPassword));
        context.writePrivateFile(PLUGINS_FILE, "[rabbitmq_management].\n");
        // Erlang reads the cookie from $HOME, the run directory; it must be readable by its owner only.
        context.writePrivateFile(COOKIE_FILE, Secrets.random(32));
        // Only what the node runs, so that it boots with less work (see RabbitMqPlugins).
        Optional<Path> packaged = RabbitMqPlugins.packaged(context.binary("rabbitmq-server"));
        if (packaged.isPresent()) {
            RabbitMqPlugins.link(packaged.get(), context.runDirectory());
        }
    }

    /**
     * The node's configuration. The admin's password is in here and nowhere else: never on a
     * command line or in the environment, which {@code ps} shows.
     */
    static String config(ProcessContext context, String adminUser, String adminPassword) {
        Endpoint amqp = context.endpoint();
        Endpoint management = context.endpoint(MANAGEMENT);
        return String.join("\n",
                "# Written by addons for one node: every listener is on the loopback address only.",
                "listeners.tcp.1 = " + amqp.host() + ":" + amqp.port(),
                "management.tcp.ip = " + management.host(),
                "management.tcp.port = " + management.port(),
                "# The administrator addons works as: the guest user is never created.",
                "default_user = " + adminUser,
                "default_pass = " + adminPassword,
                "# Everything goes to standard output, which the runtime keeps in server.log.",
                "log.file = false",
                "log.console = true",
                "log.console.level = info",
                "");
    }

    /** The node's name, unique per server directory: {@code rabbit-<hash of the run directory>@localhost}. */
    static String nodeName(Path runDirectory) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(runDirectory.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8));
            return "rabbit-" + HexFormat.of().formatHex(digest, 0, 6) + "@localhost";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
