package dev.addons.postgres;

import dev.addons.api.spi.DataTemplate;
import dev.addons.api.spi.ProcessContext;
import dev.addons.api.spi.ProcessRecipe;
import dev.addons.api.spi.ProcessRecipe.StopSignal;
import dev.addons.api.spi.ServerAccess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How to run PostgreSQL from its binaries: {@code initdb} with SCRAM authentication for every
 * connection, then {@code postgres} in the foreground, listening on the runtime's loopback endpoint
 * only: no Unix-domain socket (clients use the variables' TCP endpoint, and a socket's path,
 * at most 107 bytes, would not fit under a deep addons home). Everything server-specific goes on the command
 * line, so {@code postgresql.conf} stays as {@code initdb} wrote it. {@code fsync} stays on:
 * the data outlives the JVM and a crash must not corrupt it. A throwaway server (see
 * {@link dev.addons.api.spi.ServerRequest#throwaway()}) runs with {@code fsync},
 * {@code synchronous_commit} and {@code full_page_writes} off instead. SIGINT is PostgreSQL's fast
 * shutdown (sessions are ended, the data is checkpointed), used to stop a server that keeps its
 * data. A destroy sends SIGQUIT, its immediate shutdown: the postmaster ends its processes and
 * exits without a checkpoint (0.1-0.3 s of writing and fsync for data deleted right after) but
 * still removes its shared memory, which SIGKILL would leave behind in {@code /dev/shm}.
 *
 * <p>The data directory {@code initdb} makes holds nothing server-specific, so the recipe offers
 * it as a {@link DataTemplate}: {@code initdb} runs once per binaries with a template password,
 * and each new server starts on a copy. Its admin password is then changed online, over the
 * readiness check's admin connection, by {@code ALTER ROLE} with a SCRAM verifier the driver
 * computes ({@link PostgresAdmin#personalize}). That was measured against an offline change
 * ({@code postgres --single} on the copy before the launch): single-user mode is a start and a
 * checkpointed stop of its own, which took 0.12-0.17 s here against 0.13-0.19 s for the launch to
 * readiness itself (on a loaded machine), so it would nearly double the start; the
 * {@code ALTER ROLE} takes a few milliseconds.
 * The template password logs in only between the copy's readiness and that statement, on a
 * loopback port, and only for whoever can read the owner-only template, who could read the
 * data anyway.
 *
 * <p>The template also carries what provisioning would otherwise do for each server's first
 * tenant: a spare tenant ({@link PostgresTenants#SPARE}, a role that cannot log in and its
 * locked-down database), which that tenant takes by renaming it instead of a
 * {@code CREATE DATABASE} (0.2 s, copying {@code template1}) and a connection to the new database;
 * {@code postgres} and {@code template1} closed to {@code PUBLIC}; and {@code template1}'s
 * {@code public} schema closed as a tenant's is, so that every later tenant's database, a copy of
 * it, needs no connection of the admin's to close its own ({@link PostgresTenants#TEMPLATE1_CLOSED}).
 * All are made by {@code postgres --single} after {@code initdb}, not on a running server; a
 * server initialized without the template has no spare, and its tenants are created and closed
 * one by one. The spare makes the template,
 * and so each server's copy of it, about 7.5 MB (300 files) larger.
 * Stateless and thread-safe.
 */
final class PostgresProcess {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private PostgresProcess() {
    }

    /** {@code initdb}'s options besides its directory, admin and password file; part of the template's key. */
    private static final List<String> INITDB_OPTIONS = List.of(
            "-A", "scram-sha-256", "-E", "UTF8", "--locale=C", "--no-instructions");

    /** The settings of a throwaway server: nothing waits for the disk. */
    private static final List<String> THROWAWAY = List.of(
            "-c", "fsync=off",
            "-c", "synchronous_commit=off",
            "-c", "full_page_writes=off");

    /**
     * The recipe for {@code major}, whose admin is {@code adminUser} with {@code adminPassword}; a
     * server made from the template keeps its admin's session in {@code connections}, and has its
     * admin's new verifier and its first tenant's credential computed ahead by {@code verifiers}.
     */
    static ProcessRecipe recipe(String major, String adminUser, String adminPassword, boolean throwaway,
            AdminConnections connections, Verifiers verifiers) {
        return ProcessRecipe.builder(PostgresBinaries.forThisPlatform(major),
                        context -> throwaway ? throwawayCommand(context) : command(context))
                .initializer(context -> initialize(context, adminUser, adminPassword))
                .stopSignal(StopSignal.INT)
                .stopTimeout(STOP_TIMEOUT)
                .destroySignal(StopSignal.QUIT)
                .template(new DataTemplate("-U " + adminUser + " " + String.join(" ", INITDB_OPTIONS)
                        + "; spare tenant " + PostgresTenants.SPARE + "; template1 " + PostgresTenants.TEMPLATE1_CLOSED,
                        (context, templatePassword) -> initializeTemplate(context, adminUser, templatePassword)))
                .rekey(new ProcessRecipe.Rekey() {
                    @Override
                    public void rekey(ProcessContext context, ServerAccess current, String ownPassword)
                            throws SQLException {
                        PostgresAdmin.personalize(current, ownPassword, connections, verifiers);
                    }

                    @Override
                    public void prepare(String ownPassword) {
                        verifiers.prepare(ownPassword);
                    }
                })
                .build();
    }

    /**
     * {@link #initialize}, then the tenant-independent part of provisioning, done once in the
     * template rather than in each server: {@code template1}'s {@code public} schema closed, then
     * the spare tenant, a copy of it, and the maintenance databases closed (see {@link PostgresTenants}).
     */
    static void initializeTemplate(ProcessContext context, String adminUser, String adminPassword)
            throws IOException, InterruptedException {
        initialize(context, adminUser, adminPassword);
        runSingleUser(context, "template1", PostgresTenants.TEMPLATE_IN_TEMPLATE1);
        runSingleUser(context, PostgresAdmin.MAINTENANCE_DATABASE, PostgresTenants.TEMPLATE_IN_MAINTENANCE);
    }

    /**
     * Runs {@code statements} in {@code database} with {@code postgres --single}, as the same user
     * as {@code initdb}: one statement a line, each its own transaction. {@code exit_on_error}
     * turns a failed statement into a non-zero exit; without it single-user mode reports the error
     * and goes on.
     */
    private static void runSingleUser(ProcessContext context, String database, List<String> statements)
            throws IOException, InterruptedException {
        context.run(List.of(context.binary("postgres").toString(), "--single",
                "-D", context.dataDirectory().toString(),
                "-c", "exit_on_error=on",
                database), String.join("\n", statements) + "\n");
    }

    static void initialize(ProcessContext context, String adminUser, String adminPassword)
            throws IOException, InterruptedException {
        // initdb reads the password's first line from a file, so it never shows in a process list.
        Path passwordFile = context.writePrivateFile("pwfile", adminPassword + "\n");
        try {
            List<String> command = new ArrayList<>(List.of(
                    context.binary("initdb").toString(),
                    "-D", context.dataDirectory().toString(),
                    "-U", adminUser,
                    "--pwfile=" + passwordFile));
            command.addAll(INITDB_OPTIONS);
            context.run(command);
        } finally {
            Files.deleteIfExists(passwordFile);
        }
    }


    static List<String> throwawayCommand(ProcessContext context) {
        List<String> command = new ArrayList<>(command(context));
        command.addAll(THROWAWAY);
        return command;
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
