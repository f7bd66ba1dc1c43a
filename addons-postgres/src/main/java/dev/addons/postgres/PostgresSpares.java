package dev.addons.postgres;

import static dev.addons.postgres.SqlIdentifiers.quote;

import dev.addons.api.spi.Secrets;
import dev.addons.api.spi.ServerAccess;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spare tenants made ahead on a shared server, so that provisioning one is a rename instead of a
 * {@code CREATE DATABASE} (which writes the whole template through the WAL: hundreds of
 * milliseconds on a busy disk). A spare is a role {@code addons_spare_<random>} (no login, no
 * password) owning a database of the same name, locked down exactly as a tenant's (see
 * {@link PostgresTenants}): {@code CONNECT}/{@code TEMPORARY} for it alone, its {@code public}
 * schema its own and closed to {@code PUBLIC}. The comment {@value #READY} on the database marks
 * it complete. Claiming one renames role and database to the tenant's name, gives the role its
 * login and password and clears the comment, in one transaction: ownership and grants follow the
 * role and the database, as they are bound to their ids, not names.
 *
 * <p>The spares live in the server, not here: whatever process provisions next may claim them,
 * and they go with the server. After a tenant is made on a shared server that has fewer than
 * {@value #LOW} left, a background thread (a daemon: nothing waits for it) makes spares up to
 * {@value #HIGH}, then has them written out ({@code CHECKPOINT}). In batches, not one per tenant:
 * {@code CREATE DATABASE} leaves the copy in dirty buffers, and every {@code DROP DATABASE} (a
 * tenant's destroy) forces a checkpoint that must write out whatever is dirty, so a spare made
 * while a tenant is dropped makes that destroy wait for it. A filler that dies
 * half-way (its process killed) can leave an unmarked {@code addons_spare_} database, which is
 * never claimed and goes with the server. Thread-safe.
 */
final class PostgresSpares {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresSpares.class);
    /** Below this many ready spares, a shared server gets more. */
    static final int LOW = 2;
    /** Spares made in one go: a few creates in a row find one each, at 7-8 MiB of disk each. */
    static final int HIGH = 5;
    static final String PREFIX = "addons_spare_";
    static final String READY = "addons spare, ready";
    /** An advisory lock key of this module's own for claims (the bytes of "addons-s"). */
    private static final long CLAIM_LOCK = 0x6164646f6e732d73L;

    private static final Map<String, Boolean> FILLING = new ConcurrentHashMap<>();
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ExecutorService FILLER = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "addons-postgres-spares-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    private PostgresSpares() {
    }

    /**
     * Turns a ready spare into the tenant {@code name} with {@code verifier} as its password, on
     * {@code admin} (in auto-commit mode, left so). Empty when there is no ready spare; then
     * nothing changed.
     */
    static Optional<String> claim(Connection admin, String name, String verifier) throws SQLException {
        return PostgresAdmin.inTransaction(admin, sql -> {
            // Claims take turns: two must not pick the same spare.
            sql.execute("select pg_advisory_xact_lock(" + CLAIM_LOCK + ")");
            String spare;
            try (ResultSet rs = sql.executeQuery("select d.datname from pg_database d"
                    + " join pg_shdescription c on c.objoid = d.oid and c.classoid = 'pg_database'::regclass"
                    + " where d.datname like 'addons\\_spare\\_%' and c.description = '" + READY + "'"
                    + " order by d.datname limit 1")) {
                if (!rs.next()) {
                    return Optional.<String>empty(); // nothing changed: the commit ends an empty transaction
                }
                spare = rs.getString(1);
            }
            String id = quote(name);
            sql.execute("alter role " + quote(spare) + " rename to " + id + ";"
                    + " alter role " + id + " login password '" + verifier + "';"
                    + " alter database " + quote(spare) + " rename to " + id + ";"
                    + " comment on database " + id + " is null");
            return Optional.of(spare);
        });
    }

    /** Makes spares on {@code server} in the background when it has few, unless that runs already. */
    static void fillLater(ServerAccess server) {
        String key = server.serverId() + "@" + server.endpoint();
        if (FILLING.putIfAbsent(key, Boolean.TRUE) != null) {
            return;
        }
        try {
            FILLER.execute(() -> {
                try {
                    fill(server);
                } catch (SQLException | RuntimeException e) {
                    // The server may be stopping; the next tenant made there tries again.
                    LOG.debug("{} - Could not make a spare tenant: {}", server.serverId(), e.toString());
                } finally {
                    FILLING.remove(key);
                }
            });
        } catch (RuntimeException e) {
            FILLING.remove(key);
            throw e;
        }
    }

    /** Makes spares on {@code server} now, up to {@value #HIGH}, when it has fewer than {@value #LOW}. */
    static void fill(ServerAccess server) throws SQLException {
        int ready;
        try (AdminConnections.Lease lease = AdminConnections.borrow(server)) {
            ready = readyCount(lease.connection());
        }
        if (ready >= LOW) {
            return;
        }
        // One connection at a time, given back between spares: tenants being made come first.
        for (; ready < HIGH; ready++) {
            try (AdminConnections.Lease lease = AdminConnections.borrow(server)) {
                make(lease.connection(), server);
            }
        }
        try (AdminConnections.Lease lease = AdminConnections.borrow(server);
                Statement sql = lease.connection().createStatement()) {
            // Written out now, in the background, so that the checkpoint of a tenant's DROP DATABASE has not to.
            sql.execute("checkpoint");
        }
    }

    private static int readyCount(Connection admin) throws SQLException {
        try (Statement sql = admin.createStatement();
                ResultSet rs = sql.executeQuery("select count(*) from pg_database d"
                        + " join pg_shdescription c on c.objoid = d.oid and c.classoid = 'pg_database'::regclass"
                        + " where d.datname like 'addons\\_spare\\_%' and c.description = '" + READY + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void make(Connection admin, ServerAccess server) throws SQLException {
        String name = PREFIX + Secrets.random(12).toLowerCase(Locale.ROOT);
        String id = quote(name);
        long started = System.nanoTime();
        try (Statement sql = admin.createStatement()) {
            sql.execute("create role " + id + " nologin nosuperuser nocreatedb nocreaterole noreplication nobypassrls");
            try {
                PostgresTenants.createDatabase(admin, name, name);
                PostgresTenants.closeMaintenanceDatabases(admin);
                try (Connection database = PostgresAdmin.connect(server, name)) {
                    PostgresTenants.restrictPublicSchema(database, name);
                }
                sql.execute("comment on database " + id + " is '" + READY + "'");
            } catch (SQLException e) {
                try {
                    sql.execute("drop database if exists " + id + " with (force)");
                    sql.execute("drop role if exists " + id);
                } catch (SQLException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
        }
        LOG.debug("{} - Made a spare tenant in {} ms", server.serverId(), (System.nanoTime() - started) / 1_000_000);
    }
}
