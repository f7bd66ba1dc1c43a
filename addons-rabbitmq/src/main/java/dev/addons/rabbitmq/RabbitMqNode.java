package dev.addons.rabbitmq;

import dev.addons.api.Endpoint;
import dev.addons.api.spi.ProcessContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command that runs one node in the foreground: {@code rabbitmq-server} in a clean environment
 * that points every file of the node into the server's directories, so nothing of the host's
 * {@code /etc/rabbitmq} or of this JVM's environment reaches it.
 *
 * <p>Erlang distribution needs an {@code epmd}. Left to itself, the node starts one as a daemon
 * that outlives it. Instead {@code ERL_FLAGS=-start_epmd false} keeps every Erlang VM of the node
 * from starting any, and the node's own {@code epmd} runs in the foreground on the node's epmd port,
 * as a child of the node's main process: in its process tree and its session, so the runtime ends
 * it with the node. The shell waits until that epmd answers before it becomes
 * {@code rabbitmq-server}, and gives up when it died (its port taken). Stateless and thread-safe.
 */
final class RabbitMqNode {

    /** {@code $0} is a name for messages, then epmd, its address, and the command to become. */
    private static final String START = String.join("\n",
            "\"$1\" -port \"$ERL_EPMD_PORT\" -address \"$2\" &",
            "epmd=$!",
            "until \"$1\" -port \"$ERL_EPMD_PORT\" -names >/dev/null 2>&1; do",
            "  if ! kill -0 \"$epmd\" 2>/dev/null; then",
            "    echo \"$0: epmd could not listen on $2:$ERL_EPMD_PORT\" >&2",
            "    exit 70",
            "  fi",
            "  sleep 0.01",
            "done",
            "shift 2",
            "exec \"$@\"");

    private RabbitMqNode() {
    }

    static List<String> command(ProcessContext context) {
        Path run = context.runDirectory();
        Path data = context.dataDirectory();
        Endpoint epmd = context.endpoint(RabbitMqProcess.EPMD);
        List<String> environment = new ArrayList<>(List.of("env", "-i",
                "PATH=" + context.binary("erl").getParent() + ":/usr/bin:/bin",
                "LANG=C.UTF-8",
                "HOME=" + run,
                "RABBITMQ_NODENAME=" + RabbitMqProcess.nodeName(run),
                "RABBITMQ_DIST_PORT=" + context.endpoint(RabbitMqProcess.DIST).port(),
                "ERL_EPMD_PORT=" + epmd.port(),
                "ERL_FLAGS=-start_epmd false",
                "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-kernel inet_dist_use_interface "
                        + erlangTuple(context.endpoint(RabbitMqProcess.DIST).host()),
                "RABBITMQ_CONFIG_FILE=" + run.resolve(RabbitMqProcess.CONFIG_FILE),
                // None of these exist: they replace the host's defaults under /etc/rabbitmq.
                "RABBITMQ_CONFIG_FILES=" + run.resolve("conf.d"),
                "RABBITMQ_ADVANCED_CONFIG_FILE=" + run.resolve("advanced.config"),
                "RABBITMQ_CONF_ENV_FILE=" + run.resolve("rabbitmq-env.conf"),
                "RABBITMQ_ENABLED_PLUGINS_FILE=" + run.resolve(RabbitMqProcess.PLUGINS_FILE),
                "RABBITMQ_PID_FILE=" + run.resolve("rabbitmq.pid"),
                "RABBITMQ_MNESIA_BASE=" + data,
                "RABBITMQ_LOG_BASE=" + data.resolve("log")));
        // Absent for a node made before it existed, stale after a package upgrade: the package's own then.
        if (RabbitMqPlugins.usable(run)) {
            environment.add("RABBITMQ_PLUGINS_DIR=" + run.resolve(RabbitMqPlugins.DIRECTORY));
        }
        environment.addAll(List.of("/bin/sh", "-c", START, "addons-rabbitmq",
                context.binary("epmd").toString(), epmd.host(),
                context.binary("rabbitmq-server").toString()));
        return List.copyOf(environment);
    }

    /** An IPv4 literal as an Erlang tuple, e.g. {@code {127,0,0,1}}. */
    static String erlangTuple(String ipv4) {
        String[] parts = ipv4.split("\\.");
        if (parts.length != 4 || !ipv4.matches("[0-9.]+")) {
            throw new IllegalArgumentException("not an IPv4 literal: " + ipv4);
        }
        return "{" + String.join(",", parts) + "}";
    }
}
