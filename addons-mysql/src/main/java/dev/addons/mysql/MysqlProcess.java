package dev.addons.mysql;

import dev.addons.api.spi.BinaryDistribution;
import dev.addons.api.spi.ProcessContext;
import dev.addons.api.spi.ProcessRecipe;
import dev.addons.api.spi.ProcessRecipe.StopSignal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
 * shutdown. Stateless and thread-safe.
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

    /** The recipe running {@code binaries}, whose admin has {@code adminPassword}. */
    static ProcessRecipe recipe(BinaryDistribution binaries, String adminPassword) {
        return new ProcessRecipe(binaries, context -> initialize(context, adminPassword),
                MysqlProcess::command, StopSignal.TERM, STOP_TIMEOUT);
    }

    static void initialize(ProcessContext context, String adminPassword) throws IOException, InterruptedException {
        Path accounts = context.writePrivateFile("accounts.sql", accountsSql(adminPassword));
        try {
            List<String> command = new ArrayList<>(List.of(
                    installDb(context).toString(),
                    "--no-defaults",
                    "--datadir=" + context.dataDirectory(),
                    "--basedir=" + baseDirectory(context),
                    "--auth-root-authentication-method=normal",
                    "--skip-test-db",
                    "--cross-bootstrap",
                    "--extra-file=" + accounts));
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
     * The statements run at the end of the bootstrap. Grant tables are off during a bootstrap;
     * {@code FLUSH PRIVILEGES} loads them, which account statements need.
     */
    static String accountsSql(String adminPassword) {
        String hash = nativePasswordHash(adminPassword);
        return "FLUSH PRIVILEGES;\n"
                + "ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY PASSWORD '" + hash + "';\n"
                + "ALTER USER 'root'@'localhost' IDENTIFIED BY PASSWORD '" + hash + "';\n"
                + "DROP USER 'root'@'::1';\n";
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
