package dev.addons.redis;

import dev.addons.api.Endpoint;
import dev.addons.api.spi.BinaryDistribution;
import dev.addons.api.spi.ProcessContext;
import dev.addons.api.spi.ProcessRecipe;
import dev.addons.api.spi.ProcessRecipe.StopSignal;
import dev.addons.api.spi.ServerAccess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How to run a dedicated Valkey (or Redis 7) server from its binary: the initializer writes a
 * private configuration file into the run directory, and the server is started with that file
 * alone, so the password never appears on a command line where {@code ps} would show it.
 *
 * <p>The configuration, for a server of one app on this host:
 * <ul>
 *   <li>listens on the runtime's loopback endpoint only, {@code protected-mode yes}, no Unix
 *       socket, in the foreground ({@code daemonize no}), logging to standard output (the
 *       runtime's {@code server.log});</li>
 *   <li>{@code requirepass}: the {@code default} user needs the password, which is what a
 *       {@code redis://:password@host:port} URL authenticates as;</li>
 *   <li>durability as Valkey ships it: RDB snapshots in the data directory after 1 change in an
 *       hour, 100 in 5 minutes or 10000 in a minute, and on shutdown; no append-only file;</li>
 *   <li>{@code maxmemory 256mb} with {@code noeviction}, so that one app cannot take the host's
 *       memory: writes past it fail with an {@code OOM} error rather than silently evicting
 *       keys a database user expects to keep;</li>
 *   <li>{@code CONFIG SET} of protected settings (such as {@code dir} and {@code dbfilename}),
 *       {@code DEBUG} and {@code MODULE} stay refused, as in Valkey's defaults: they would let a
 *       client make the server write or load files outside its data directory.</li>
 * </ul>
 * SIGTERM makes the server save its snapshot and exit; on an empty or small data set it takes
 * about a tenth of a second (one tick of the server's 10 Hz cron). A restart or a restore stops it
 * so; a destroy kills it ({@link StopSignal#KILL}), since its snapshot would be deleted with the
 * data directory and it keeps nothing elsewhere (no Unix socket, no pid file, logs on standard
 * output). Stateless and thread-safe.
 */
final class ValkeyProcess {

    /** The configuration file's name in the run directory. */
    static final String CONFIG = "valkey.conf";
    /** The memory limit of a {@code small} server. */
    static final String MAXMEMORY = "256mb";

    /** Saving a snapshot of up to {@link #MAXMEMORY} on the way out takes seconds at most. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private ValkeyProcess() {
    }

    /** The recipe for {@code major}, whose {@code default} user has {@code password}. */
    static ProcessRecipe recipe(String major, String password) {
        return ProcessRecipe.builder(ValkeyBinaries.valkey(major), ValkeyProcess::command)
                .initializer(context -> context.writePrivateFile(CONFIG,
                        config(context.endpoint(), context.dataDirectory(), password)))
                .stopSignal(StopSignal.TERM)
                .stopTimeout(STOP_TIMEOUT)
                // Destroyed, its data directory goes too: the snapshot SIGTERM saves would be deleted unread.
                .destroySignal(StopSignal.KILL)
                .alternatives(ValkeyBinaries.alternatives(major))
                .rekey(ValkeyProcess::rekey)
                .build();
    }

    /**
     * Gives the {@code default} user {@code password} on the running server ({@code CONFIG SET
     * requirepass}: clients already authenticated stay so, new ones need it) and writes the
     * configuration file again with it, for the next start.
     */
    static void rekey(ProcessContext context, ServerAccess current, String password) throws IOException {
        try (RespConnection connection = ValkeyAdmin.connect(current, ValkeyAdmin.WORK_TIMEOUT)) {
            connection.callForString("CONFIG", "SET", "requirepass", password);
        }
        context.writePrivateFile(CONFIG, config(context.endpoint(), context.dataDirectory(), password));
    }

    /** The server binary of whichever candidate the runtime found, with the configuration file. */
    static List<String> command(ProcessContext context) {
        BinaryDistribution distribution = context.distribution();
        return List.of(context.binary(distribution.requiredBinaries().get(0)).toString(),
                context.runDirectory().resolve(CONFIG).toString());
    }

    /** The configuration file's text; it holds the password, so it is written owner-only. */
    static String config(Endpoint endpoint, Path dataDirectory, String password) {
        return String.join("\n",
                "# Written by addons for one dedicated server.",
                "bind " + endpoint.host(),
                "port " + endpoint.port(),
                "protected-mode yes",
                "daemonize no",
                "supervised no",
                "logfile \"\"",
                "requirepass " + quote(password),
                "dir " + quote(dataDirectory.toString()),
                "dbfilename dump.rdb",
                "save 3600 1 300 100 60 10000",
                "appendonly no",
                "maxmemory " + MAXMEMORY,
                "maxmemory-policy noeviction",
                "enable-protected-configs no",
                "enable-debug-command no",
                "enable-module-command no",
                "");
    }

    /**
     * The configuration file of a server in the official image's container: the password only; the
     * image's defaults and entrypoint settle the rest (all interfaces of the container, {@code /data}).
     */
    static String containerConfig(String password) {
        return String.join("\n",
                "# Written by addons for one dedicated server in a container.",
                "requirepass " + quote(password),
                "");
    }

    /** A configuration value in double quotes, with backslashes and quotes escaped. */
    static String quote(String value) {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a configuration value cannot span lines");
        }
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
