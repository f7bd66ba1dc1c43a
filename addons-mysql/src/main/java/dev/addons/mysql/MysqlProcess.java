package dev.addons.mysql;

import dev.addons.api.spi.BinaryDistribution;
import dev.addons.api.spi.DataTemplate;
import dev.addons.api.spi.ProcessContext;
import dev.addons.api.spi.ProcessRecipe;
import dev.addons.api.spi.ProcessRecipe.StopSignal;
import dev.addons.api.spi.ServerAccess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * How to run MariaDB from Debian's binaries as a MySQL server of its own.
 *
 * <p>{@code mariadb-install-db} creates the system tables in the empty data directory. It runs
 * with {@code --no-defaults}, so no {@code /etc/mysql} file applies, and with
 * {@code --cross-bootstrap}, which leaves out every account and proxy grant naming this
 * machine's host name (they would only be warned about under {@code --skip-name-resolve}) and skips
 * the DNS lookup and the banner. No {@code --user}: the runtime already runs it unprivileged. A
 * private SQL file it runs last sets the admin password on {@code root@'127.0.0.1'} (the
 * admin's TCP account) and {@code root@'localhost'} (the socket) as a
 * {@code mysql_native_password} hash, so the password itself is never written to disk nor put on a
 * command line, and drops {@code root@'::1'}: the server listens on 127.0.0.1 only. The file is
 * deleted afterwards. The bootstrap server has no network, so no account is reachable before it
 * has its password.
 *
 * <p>{@code mariadbd} then runs in the foreground on the runtime's loopback endpoint, without
 * host name lookups, with Debian's {@code utf8mb4} default and small caches (a 32 MiB buffer pool:
 * about 70 MiB resident when idle), and with {@code LOCAL INFILE} off as in MySQL 8. Everything
 * goes on the command line; the log goes to the runtime's {@code server.log}. SIGTERM is a clean
 * shutdown; a destroy kills it instead (SIGKILL): it keeps nothing outside its directories (no
 * shared memory, its socket and pid file are in the run directory), which are deleted right
 * after, so InnoDB's shutdown flush would buy nothing. {@code mariadbd} is started directly, not through {@code mysqld_safe} or another
 * wrapper script. A throwaway server (see {@link dev.addons.api.spi.ServerRequest#throwaway()})
 * writes its redo log at each commit but flushes it only about once a second
 * ({@code innodb_flush_log_at_trx_commit=0}), has no doublewrite buffer and does not sync table definitions ({@code .frm}).
 *
 * <p>What {@code mariadb-install-db} makes holds nothing server-specific, so the recipe offers
 * it as a {@link DataTemplate}: it runs once per binaries with a template password, and each new
 * server starts on a copy. The admin's two accounts get the server's own password online, right
 * after the copy's readiness check, by {@code ALTER USER ... IDENTIFIED BY PASSWORD '<hash>'}
 * over the admin connection ({@link #personalize}), so the password itself is never sent. An
 * offline change would need another bootstrap run of {@code mariadbd}, which costs about as much
 * as a start. The template password logs in only until then, on a loopback port, and only for
 * whoever can read the owner-only template, who could read the data anyway. Stateless and
 * thread-safe.
 */
final class MysqlProcess {

    /** The administrative user: {@code mariadb-install-db} and the official image both make {@code root}. */
    static final String ADMIN_USER = "root";

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    /** Sizes set both at bootstrap and at start, so the redo log is never resized. */
    private static final List<String> SIZES = List.of(
            "--innodb-buffer-pool-size=32M",
            "--innodb-log-file-size=16M");

    private MysqlProcess() {
    }

    /** The settings of a throwaway server: commits do not wait for the disk. */
    private static final List<String> THROWAWAY = List.of(
            "--innodb-flush-log-at-trx-commit=0",
            "--skip-innodb-doublewrite",
            "--skip-sync-frm");

    /** {@code mariadb-install-db}'s options besides its paths: part of the template's key. */
    private static final List<String> INSTALL_OPTIONS = List.of(
            "--auth-root-authentication-method=normal",
            "--skip-test-db",
            "--cross-bootstrap");

    /** The admin's accounts: {@code root} over TCP and over the socket. */
    private static final List<String> ADMIN_ACCOUNTS = List.of("'root'@'127.0.0.1'", "'root'@'localhost'");

    /** The recipe running a durable server from {@code binaries}, whose admin has {@code adminPassword}. */
    static ProcessRecipe recipe(BinaryDistribution binaries, String adminPassword) {
        return recipe(binaries, adminPassword, false);
    }

    /** The recipe running {@code binaries}, whose admin has {@code adminPassword}. */
    static ProcessRecipe recipe(BinaryDistribution binaries, String adminPassword, boolean throwaway) {
        List<String> key = new ArrayList<>(INSTALL_OPTIONS);
        key.addAll(SIZES);
        key.add("accounts v1");
        return ProcessRecipe.builder(binaries, context -> throwaway ? throwawayCommand(context) : command(context))
                .initializer(context -> initialize(context, adminPassword))
                .stopSignal(StopSignal.TERM)
                .stopTimeout(STOP_TIMEOUT)
                .destroySignal(StopSignal.KILL)
                .template(new DataTemplate(String.join(" ", key), MysqlProcess::initialize))
                .rekey((context, current, ownPassword) -> personalize(current, ownPassword))
                .build();
    }

    static void initialize(ProcessContext context, String adminPassword) throws IOException, InterruptedException {
        Path accounts = context.writePrivateFile("accounts.sql", accountsSql(adminPassword));
        try {
            List<String> command = new ArrayList<>(List.of(
                    installDb(context).toString(),
                    "--no-defaults",
                    "--datadir=" + context.dataDirectory(),
                    "--basedir=" + baseDirectory(context)));
            command.addAll(INSTALL_OPTIONS);
            command.add("--extra-file=" + accounts);
            command.addAll(SIZES);
            context.run(command);
        } finally {
            Files.deleteIfExists(accounts);
        }
    }

    static List<String> command(ProcessContext context) {
        List<String> command = new ArrayList<>(List.of(
                context.binary(MysqlBinaries.MARIADBD).toString(),
                "--no-defaults",
                "--datadir=" + context.dataDirectory(),
                "--basedir=" + baseDirectory(context),
                "--bind-address=" + context.endpoint().host(),
                "--port=" + context.endpoint().port(),
                // mariadbd works in its data directory. A path relative to it keeps the socket in the
                // run directory however deep the addons home is: a socket's absolute path may hold
                // 107 bytes at most, and mariadbd refuses to start with a longer one.
                "--socket=" + context.dataDirectory().relativize(context.runDirectory().resolve("mysqld.sock")),
                "--pid-file=" + context.runDirectory().resolve("mariadbd.pid"),
                "--skip-name-resolve",
                "--character-set-server=utf8mb4",
                "--local-infile=0",
                "--aria-pagecache-buffer-size=8M",
                "--key-buffer-size=1M",
                // Fewer cached tables than the default 2000, which asks for more open files than
                // a default limit allows and warns at every start.
                "--table-open-cache=400"));
        command.addAll(SIZES);
        return command;
    }

    /**
     * Gives both admin accounts of a server started on a template copy the hash of
     * {@code adminPassword}, over a connection made with the template password.
     */
    static void personalize(ServerAccess templateAccess, String adminPassword) throws SQLException {
        String hash = nativePasswordHash(adminPassword);
        try (Connection connection = MysqlAdmin.connect(templateAccess);
                Statement statement = connection.createStatement()) {
            for (String account : ADMIN_ACCOUNTS) {
                statement.execute("ALTER USER " + account + " IDENTIFIED BY PASSWORD '" + hash + "'");
            }
        } catch (SQLException e) {
            throw MysqlAdmin.failure("Giving the admin of " + templateAccess.serverId() + " its own password", e,
                    adminPassword, hash, templateAccess.adminPassword());
        }
    }

    static List<String> throwawayCommand(ProcessContext context) {
        List<String> command = new ArrayList<>(command(context));
        command.addAll(THROWAWAY);
        return command;
    }

    /**
     * The statements run at the end of the bootstrap. Grant tables are off during a bootstrap;
     * {@code FLUSH PRIVILEGES} loads them, which account statements need.
     */
    static String accountsSql(String adminPassword) {
        String hash = nativePasswordHash(adminPassword);
        StringBuilder sql = new StringBuilder("FLUSH PRIVILEGES;\n");
        for (String account : ADMIN_ACCOUNTS) {
            sql.append("ALTER USER ").append(account).append(" IDENTIFIED BY PASSWORD '").append(hash).append("';\n");
        }
        return sql.append("DROP USER 'root'@'::1';\n").toString();
    }

    /**
     * The {@code mysql_native_password} hash of {@code password}, as MariaDB's
     * {@code PASSWORD()} computes it: {@code *} and the upper-case hex of SHA-1(SHA-1(password)).
     */
    static String nativePasswordHash(String password) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] twice = sha1.digest(sha1.digest(password.getBytes(StandardCharsets.UTF_8)));
            return "*" + HexFormat.of().formatHex(twice).toUpperCase(Locale.ROOT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    /** The installation's base directory: {@code /usr} for {@code /usr/sbin/mariadbd}. */
    private static Path baseDirectory(ProcessContext context) {
        return context.binary(MysqlBinaries.MARIADBD).getParent().getParent();
    }

    /**
     * {@code mariadb-install-db}, which the package of {@code mariadbd} installs in the base
     * directory's {@code bin} ({@code /usr/bin}, beside {@code /usr/sbin/mariadbd}). It is not
     * looked up as a required binary: the runtime finds a probed distribution's binaries in one
     * directory, so that binaries of different versions are never mixed, and this one is of the
     * same package as the probed {@code mariadbd}.
     */
    static Path installDb(ProcessContext context) {
        return baseDirectory(context).resolve("bin").resolve("mariadb-install-db");
    }
}
