package dev.addons.memcache;

import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.ProcessContext;
import dev.addons.api.spi.ProcessRecipe;
import dev.addons.api.spi.ProcessRecipe.StopSignal;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How to run a dedicated memcached from its binary, in the foreground: TCP on the runtime's
 * loopback endpoint only, no UDP ({@code -U 0}: memcached before 1.5.6 listened on UDP 11211 by
 * default, an amplification risk), {@value #MEMORY_MB} MB of item memory (memcached's own default)
 * and at most {@value #CONNECTIONS} connections. There is no {@code -u}: the process runtime runs
 * engines as an unprivileged user, so memcached never sees itself as root.
 *
 * <p>Clients must authenticate ({@code -S}): SASL {@code PLAIN} over the binary protocol, the
 * only protocol memcached then speaks, as the server's one user. Debian's memcached is built
 * without memcached's own password file ({@code MEMCACHED_SASL_PWDB}), so the user lives in a
 * Cyrus SASL database: before each start the launcher writes, into the private run directory,
 * {@code memcached.conf} (only the {@code PLAIN} mechanism, so {@code ANONYMOUS} and the other
 * installed ones are never offered; the database's path) and the database itself with
 * {@code saslpasswd2} (Debian's {@code sasl2-bin}), which reads the password on its standard input,
 * never from a command line. memcached finds that configuration through {@code SASL_CONF_PATH},
 * set by {@code env} on its command line (the runtime gives engines a clean environment).
 * memcached takes the host's name as its SASL realm when it starts, so the user is written for
 * the name the host has at that start.
 *
 * <p>SIGTERM and SIGINT both stop it cleanly, but only at the next tick of memcached's one-second
 * clock event, which is when its main loop looks at the flag the signal handler set: 0 to 1 s
 * (about 0.7 s measured after a short idle). The {@code shutdown} command (needs {@code -A})
 * raises the same SIGINT, and SIGUSR1's graceful stop waits for the same tick, so no signal or
 * option stops it sooner; only SIGKILL would, which for a cache loses nothing but is not a clean
 * stop. A destroy therefore kills it ({@link StopSignal#KILL}): it holds no file, socket or shared
 * memory outside its directories, so nothing is left. Stateless and thread-safe.
 */
final class MemcachedProcess {

    /** Item memory of a {@code small} server, in megabytes. */
    static final int MEMORY_MB = 64;
    /** Simultaneous connections of a {@code small} server. */
    static final int CONNECTIONS = 1024;
    /** The SASL configuration's name: Cyrus SASL reads {@code <service>.conf} in {@code SASL_CONF_PATH}. */
    static final String SASL_CONFIG = "memcached.conf";
    /** The SASL user database's name in the run directory. */
    static final String SASL_DATABASE = "memcached.sasldb";

    private static final List<Path> SASLPASSWD2 = List.of(Path.of("/usr/sbin/saslpasswd2"),
            Path.of("/usr/bin/saslpasswd2"), Path.of("/usr/local/sbin/saslpasswd2"));
    private static final Path ENV = Path.of("/usr/bin/env");
    private static final Path HOSTNAME = Path.of("/proc/sys/kernel/hostname");
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private MemcachedProcess() {
    }

    /** The recipe for {@code version}, whose one SASL user is {@code user} with {@code password}. */
    static ProcessRecipe recipe(String version, String user, String password) {
        return ProcessRecipe.builder(MemcachedBinaries.forVersion(version), context -> launch(context, user, password))
                .stopSignal(StopSignal.TERM)
                .stopTimeout(STOP_TIMEOUT)
                // A cache keeps nothing anywhere, so a destroy need not wait for that tick.
                .destroySignal(StopSignal.KILL)
                .rekey((context, current, newPassword) -> rekey(context, user, newPassword))
                .build();
    }

    /**
     * Gives the SASL user {@code password}: writes a new user database beside the one memcached
     * reads and renames it over that one. Cyrus SASL opens the database at each authentication, so
     * the next one needs the new password; connections already authenticated stay so.
     */
    private static void rekey(ProcessContext context, String user, String password)
            throws IOException, InterruptedException {
        Path database = context.runDirectory().resolve(SASL_DATABASE);
        Path fresh = context.runDirectory().resolve(SASL_DATABASE + ".new");
        Files.deleteIfExists(fresh);
        writeUser(context, fresh, user, password);
        Files.move(fresh, database, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Writes {@code user} with {@code password} into a new database at {@code database} with {@code saslpasswd2}. */
    private static void writeUser(ProcessContext context, Path database, String user, String password)
            throws IOException, InterruptedException {
        Path saslpasswd2 = saslpasswd2().orElseThrow(() -> new ProvisioningException("memcached's authentication"
                + " needs saslpasswd2 (Debian package sasl2-bin) in " + SASLPASSWD2 + ", and the SASL PLAIN"
                + " mechanism (libsasl2-modules): apt-get install sasl2-bin libsasl2-modules"));
        context.run(List.of(saslpasswd2.toString(), "-p", "-c", "-a", "memcached", "-f", database.toString(),
                "-u", realm(), user), password);
    }

    /** Writes the SASL configuration and user database, then gives the server's command. */
    private static List<String> launch(ProcessContext context, String user, String password) throws IOException {
        Path database = context.runDirectory().resolve(SASL_DATABASE);
        // A former start's database may hold the user under another realm: start from none.
        Files.deleteIfExists(database);
        context.writePrivateFile(SASL_CONFIG, saslConfig(database));
        try {
            writeUser(context, database, user, password);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("interrupted writing the SASL user");
            interrupted.initCause(e);
            throw interrupted;
        }
        return command(context);
    }

    /** The SASL configuration: the {@code PLAIN} mechanism only, users from {@code database}. */
    static String saslConfig(Path database) {
        return "mech_list: plain\nsasldb_path: " + database + "\n";
    }

    static List<String> command(ProcessContext context) {
        return List.of(
                ENV.toString(), "SASL_CONF_PATH=" + context.runDirectory(),
                context.binary(MemcachedBinaries.MEMCACHED).toString(),
                "-S",
                "-l", context.endpoint().host(),
                "-p", Integer.toString(context.endpoint().port()),
                "-U", "0",
                "-m", Integer.toString(MEMORY_MB),
                "-c", Integer.toString(CONNECTIONS));
    }

    /** The realm memcached gives its users: the host's name ({@code gethostname}) when it starts. */
    private static String realm() throws IOException {
        return Files.readString(HOSTNAME).strip();
    }

    private static Optional<Path> saslpasswd2() {
        return SASLPASSWD2.stream().filter(Files::isExecutable).findFirst();
    }
}
