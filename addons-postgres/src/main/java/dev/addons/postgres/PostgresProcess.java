package dev.addons.postgres;

import dev.addons.api.spi.ProcessContext;
import dev.addons.api.spi.ProcessRecipe;
import dev.addons.api.spi.ProcessRecipe.StopSignal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How to run PostgreSQL from its binaries: {@code initdb} with SCRAM authentication for every
 * connection, then {@code postgres} in the foreground, listening on the runtime's loopback endpoint
 * only: no Unix-domain socket (clients use the variables' TCP endpoint, and a socket's path,
 * at most 107 bytes, would not fit under a deep addons home). Everything server-specific goes on the command
 * line, so {@code postgresql.conf} stays as {@code initdb} wrote it. {@code fsync} stays on:
 * the data outlives the JVM and a crash must not corrupt it. SIGINT is PostgreSQL's fast
 * shutdown (sessions are ended, the data is checkpointed); it takes milliseconds. Stateless and
 * thread-safe.
 */
final class PostgresProcess {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private PostgresProcess() {
    }

    /** The recipe for {@code major}, whose admin is {@code adminUser} with {@code adminPassword}. */
    static ProcessRecipe recipe(String major, String adminUser, String adminPassword) {
        return new ProcessRecipe(PostgresBinaries.forThisPlatform(major),
                context -> initialize(context, adminUser, adminPassword), PostgresProcess::command,
                StopSignal.INT, STOP_TIMEOUT);
    }

    static void initialize(ProcessContext context, String adminUser, String adminPassword)
            throws IOException, InterruptedException {
        // initdb reads the password's first line from a file, so it never shows in a process list.
        Path passwordFile = context.writePrivateFile("pwfile", adminPassword + "\n");
        try {
            context.run(List.of(
                    context.binary("initdb").toString(),
                    "-D", context.dataDirectory().toString(),
                    "-U", adminUser,
                    "--pwfile=" + passwordFile,
                    "-A", "scram-sha-256",
                    "-E", "UTF8",
                    "--locale=C",
                    "--no-instructions"));
        } finally {
            Files.deleteIfExists(passwordFile);
        }
    }

    static List<String> command(ProcessContext context) {
        return List.of(
                context.binary("postgres").toString(),
                "-D", context.dataDirectory().toString(),
                "-p", Integer.toString(context.endpoint().port()),
                "-c", "listen_addresses=" + context.endpoint().host(),
                "-k", "");
    }
}
