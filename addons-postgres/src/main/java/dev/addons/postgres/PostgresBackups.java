package dev.addons.postgres;

import static dev.addons.postgres.SqlIdentifiers.quote;

import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.ServerTools;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backup and restore of a tenant's database with the server's own {@code pg_dump} and
 * {@code pg_restore}, run next to the server by its runtime, connected as the admin.
 *
 * <p>A backup is {@code pg_dump}'s custom format of the tenant's database without owners or
 * privileges: one snapshot, taken while the server keeps serving writes, that loads into any
 * tenant. A restore loads it with {@code pg_restore --single-transaction --exit-on-error} into a
 * scratch database owned by the target tenant's role, logged in as that role with its own
 * password, so that every object belongs to the tenant and a dump can do nothing the tenant could
 * not (loading as the admin with {@code --role} let a dump's {@code RESET ROLE} act as the
 * superuser). Only when
 * the load succeeded are the databases swapped: connections to the tenant's database are barred
 * and ended, both databases are renamed in one transaction, and the old one is dropped. When the
 * load or the swap fails, the scratch database is dropped and the tenant's database is as it was.
 * The scratch and old databases have names no tenant can have ({@code addons-restore-<hash>},
 * {@code addons-old-<hash>}), derived from the tenant's, so that a restore that died half-way is
 * cleaned up by the next one; a session advisory lock keeps two restores of a tenant apart.
 *
 * <p>Not carried over: database-level settings ({@code ALTER DATABASE ... SET}) and grants to
 * other roles. Passwords travel in the tools' environment only. Stateless and thread-safe.
 */
final class PostgresBackups {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresBackups.class);

    /** The first key of this module's advisory locks on restores (the bytes of "addr"). */
    private static final int RESTORE_LOCK = 0x61646472;
    private static final int SWAP_ATTEMPTS = 3;
    /** SQLState of "database is being accessed by other users". */
    private static final String OBJECT_IN_USE = "55006";
    private static final String USER_SCHEMAS = "n.nspname not in ('pg_catalog', 'information_schema')"
            + " and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp\\_%'";

    private PostgresBackups() {
    }

    /** Writes {@code pg_dump}'s custom-format dump of the tenant's database to {@code out}. */
    static void backup(String tenant, Binding binding, ServerAccess server, ServerTools tools, OutputStream out) {
        String database = binding.require(PostgresCredentials.DATABASE);
        long started = System.nanoTime();
        try {
            tools.run(List.of(PostgresTools.command(tools, "pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    "--no-password",
                    "--host=" + tools.endpoint().host(),
                    "--port=" + tools.endpoint().port(),
                    "--username=" + server.adminUser(),
                    "--dbname=" + database),
                    environment(server), null, out);
        } catch (ProvisioningException e) {
            throw new ProvisioningException("Backing up PostgreSQL tenant '" + tenant + "' on " + server.endpoint()
                    + " failed: " + e.getMessage(), e);
        }
        LOG.info("{} - Dumped database {} in {} ms", tenant, database, (System.nanoTime() - started) / 1_000_000);
    }

    /** Replaces the tenant's database with one loaded from {@code in}, or leaves it as it was. */
    static void restore(String tenant, Binding binding, ServerAccess server, ServerTools tools, InputStream in) {
        String database = binding.require(PostgresCredentials.DATABASE);
        String role = binding.require(PostgresCredentials.USER);
        String scratch = "addons-restore-" + shortHash(database);
        String old = "addons-old-" + shortHash(database);
        String what = "Restoring PostgreSQL tenant '" + tenant + "' on " + server.endpoint();
        long started = System.nanoTime();
        try (Connection admin = PostgresAdmin.connect(server, PostgresAdmin.MAINTENANCE_DATABASE)) {
            lock(admin, database);
            dropIfExists(admin, scratch);
            dropIfExists(admin, old);
            PostgresTenants.createDatabase(admin, scratch, role);
            try {
                try (Connection scratchDatabase = PostgresAdmin.connect(server, scratch)) {
                    PostgresTenants.restrictPublicSchema(scratchDatabase);
                }
                load(tools, PostgresTools.command(tools, "pg_restore"), scratch, role,
                        binding.require(PostgresCredentials.PASSWORD), in);
                long loaded = System.nanoTime();
                swap(admin, database, scratch, old);
                LOG.info("{} - Loaded the dump in {} ms and swapped it in for database {}", tenant,
                        (loaded - started) / 1_000_000, database);
            } catch (SQLException | RuntimeException e) {
                dropAfterFailure(admin, scratch, e);
                throw e;
            }
            dropOld(admin, tenant, old);
        } catch (SQLException e) {
            throw PostgresAdmin.failure(what + " (its data is unchanged)", e, server.adminPassword());
        } catch (ProvisioningException e) {
            throw new ProvisioningException(what + " failed; its data is unchanged: " + e.getMessage(), e);
        }
    }

    /**
     * After a restore whose process died: drops the scratch and old databases it may have left and
     * lets connections into the tenant's database again (the swap bars them while it renames).
     */
    static void cleanUpInterruptedRestore(String tenant, Binding binding, ServerAccess server) {
        String database = binding.require(PostgresCredentials.DATABASE);
        try (Connection admin = PostgresAdmin.connect(server, PostgresAdmin.MAINTENANCE_DATABASE);
                Statement sql = admin.createStatement()) {
            // Waits, a while, for the session of the dead restore, which the server ends on its own.
            sql.execute("set lock_timeout = '30s'");
            try (PreparedStatement lock = admin.prepareStatement("select pg_advisory_lock(?, hashtext(?))")) {
                lock.setInt(1, RESTORE_LOCK);
                lock.setString(2, database);
                lock.executeQuery().close();
            }
            dropIfExists(admin, "addons-restore-" + shortHash(database));
            dropIfExists(admin, "addons-old-" + shortHash(database));
            sql.execute("alter database " + quote(database) + " allow_connections true");
        } catch (SQLException e) {
            throw PostgresAdmin.failure("Cleaning up after an interrupted restore of PostgreSQL tenant '" + tenant
                    + "' on " + server.endpoint(), e, server.adminPassword());
        }
    }

    /** Whether the tenant's database holds a table, view, sequence or function of its own. */
    static boolean hasData(String tenant, Binding binding, ServerAccess server) {
        String database = binding.require(PostgresCredentials.DATABASE);
        try (Connection connection = PostgresAdmin.connect(server, database);
                Statement sql = connection.createStatement();
                ResultSet rs = sql.executeQuery("select exists (select 1 from pg_class c"
                        + " join pg_namespace n on n.oid = c.relnamespace"
                        + " where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and " + USER_SCHEMAS + ")"
                        + " or exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
                        + " where " + USER_SCHEMAS + ")")) {
            rs.next();
            return rs.getBoolean(1);
        } catch (SQLException e) {
            throw PostgresAdmin.failure("Looking for data of PostgreSQL tenant '" + tenant + "' on "
                    + server.endpoint(), e, server.adminPassword());
        }
    }

    /** Each table ({@code schema.table}) and its exact row count, read in one snapshot. */
    static SortedMap<String, String> summary(String tenant, Binding binding, ServerAccess server) {
        String database = binding.require(PostgresCredentials.DATABASE);
        try (Connection connection = PostgresAdmin.connect(server, database)) {
            connection.setAutoCommit(false);
            try (Statement sql = connection.createStatement()) {
                sql.execute("set transaction isolation level repeatable read, read only");
                List<String[]> tables = new ArrayList<>();
                try (ResultSet rs = sql.executeQuery("select n.nspname, c.relname from pg_class c"
                        + " join pg_namespace n on n.oid = c.relnamespace"
                        + " where c.relkind in ('r', 'p') and " + USER_SCHEMAS)) {
                    while (rs.next()) {
                        tables.add(new String[] {rs.getString(1), rs.getString(2)});
                    }
                }
                SortedMap<String, String> counts = new TreeMap<>();
                for (String[] table : tables) {
                    try (ResultSet rs = sql.executeQuery("select count(*) from " + quote(table[0]) + "."
                            + quote(table[1]))) {
                        rs.next();
                        counts.put(table[0] + "." + table[1], Long.toString(rs.getLong(1)));
                    }
                }
                connection.commit();
                return counts;
            }
        } catch (SQLException e) {
            throw PostgresAdmin.failure("Summarizing PostgreSQL tenant '" + tenant + "' on " + server.endpoint(), e,
                    server.adminPassword());
        }
    }

    /** Loads the dump into {@code scratch} as {@code role}, in one transaction that any error aborts. */
    private static void load(ServerTools tools, String pgRestore, String scratch, String role, String password,
            InputStream in) {
        // As the tenant, logged in with its own password: not the admin with --role, whose session a
        // dump's RESET ROLE (in a function its data load runs) would turn back into the superuser.
        tools.run(List.of(pgRestore,
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--no-password",
                "--host=" + tools.endpoint().host(),
                "--port=" + tools.endpoint().port(),
                "--username=" + role,
                "--dbname=" + scratch),
                Map.of("PGPASSWORD", password, "PGAPPNAME", "addons-restore", "PGOPTIONS", PostgresAdmin.SAFE_SESSION),
                in, OutputStream.nullOutputStream());
    }

    /**
     * Bars connections to {@code database}, ends its sessions and renames it to {@code old} and
     * {@code scratch} to it, both in one transaction; lets connections in again when that fails.
     */
    private static void swap(Connection admin, String database, String scratch, String old) throws SQLException {
        try (Statement sql = admin.createStatement()) {
            sql.execute("alter database " + quote(database) + " allow_connections false");
            try {
                for (int attempt = 1; ; attempt++) {
                    endSessions(admin, database);
                    try {
                        renameInOneTransaction(admin, database, scratch, old);
                        return;
                    } catch (SQLException e) {
                        // A session that was still ending, or autovacuum: end them again.
                        if (!OBJECT_IN_USE.equals(e.getSQLState()) || attempt == SWAP_ATTEMPTS) {
                            throw e;
                        }
                    }
                }
            } catch (SQLException e) {
                try {
                    sql.execute("alter database " + quote(database) + " allow_connections true");
                } catch (SQLException reopen) {
                    e.addSuppressed(reopen);
                }
                throw e;
            }
        }
    }

    private static void renameInOneTransaction(Connection admin, String database, String scratch, String old)
            throws SQLException {
        PostgresAdmin.inTransaction(admin, sql -> {
            sql.execute("alter database " + quote(database) + " rename to " + quote(old));
            sql.execute("alter database " + quote(scratch) + " rename to " + quote(database));
            return null;
        });
    }

    private static void endSessions(Connection admin, String database) throws SQLException {
        try (PreparedStatement terminate = admin.prepareStatement("select count(pg_terminate_backend(pid, 5000))"
                + " from pg_stat_activity where datname = ? and pid <> pg_backend_pid()")) {
            terminate.setString(1, database);
            terminate.executeQuery().close();
        }
    }

    /** Takes the tenant's restore lock for the admin session, or fails when another restore holds it. */
    private static void lock(Connection admin, String database) throws SQLException {
        try (PreparedStatement lock = admin.prepareStatement("select pg_try_advisory_lock(?, hashtext(?))")) {
            lock.setInt(1, RESTORE_LOCK);
            lock.setString(2, database);
            try (ResultSet rs = lock.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    throw new ProvisioningException("another restore of it is running; try again when it has"
                            + " finished");
                }
            }
        }
    }

    private static void dropIfExists(Connection admin, String database) throws SQLException {
        try (Statement sql = admin.createStatement()) {
            sql.execute("drop database if exists " + quote(database) + " with (force)");
        }
    }

    private static void dropAfterFailure(Connection admin, String scratch, Exception failure) {
        try {
            dropIfExists(admin, scratch);
        } catch (SQLException cleanup) {
            failure.addSuppressed(cleanup);
        }
    }

    /** The restore has succeeded: a database left behind is reported, and dropped by the next restore. */
    private static void dropOld(Connection admin, String tenant, String old) {
        try {
            dropIfExists(admin, old);
        } catch (SQLException e) {
            LOG.warn("{} - Restored, but the old database {} could not be dropped (the next restore drops it):"
                    + " SQLState {}", tenant, old, e.getSQLState());
        }
    }

    /**
     * The tools' environment. {@code pg_dump} and {@code pg_restore} empty the search path
     * themselves before their first query, and {@code pg_restore --role} sets its role; the same
     * startup options as the admin's JDBC sessions keep a setting of the tenant's database from
     * choosing the role they connect as.
     */
    private static Map<String, String> environment(ServerAccess server) {
        return Map.of("PGPASSWORD", server.adminPassword(), "PGAPPNAME", "addons-backup",
                "PGOPTIONS", PostgresAdmin.SAFE_SESSION);
    }

    /** 10 hex digits of the SHA-256 of {@code name}: scratch names fit PostgreSQL's 63 bytes. */
    private static String shortHash(String name) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(name.getBytes(StandardCharsets.UTF_8))).substring(0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
