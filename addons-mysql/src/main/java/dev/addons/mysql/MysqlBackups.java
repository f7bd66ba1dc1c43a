package dev.addons.mysql;

import static dev.addons.mysql.MysqlIdentifiers.grantPattern;
import static dev.addons.mysql.MysqlIdentifiers.quote;

import dev.addons.api.ProvisioningException;
import dev.addons.api.UnsupportedOperationAddonException;
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
 * Backup and restore of a tenant's database with the server's own {@code mysqldump} and
 * {@code mysql} client, run next to the server by its runtime.
 *
 * <p>A backup is {@code mysqldump --single-transaction} of the tenant's database, as the admin:
 * one consistent snapshot of its InnoDB tables taken while the server keeps serving writes,
 * without {@code CREATE DATABASE} or {@code USE}, so that it loads into any tenant. Routines,
 * triggers and events are in it.
 *
 * <p>A restore loads the dump with the {@code mysql} client into a scratch database, as the
 * target tenant's user (granted that database for the time of the load), so that a dump can do
 * nothing the tenant could not; {@code --binary-mode} keeps the client from running commands
 * such as {@code system} found in it, and {@code --local-infile=0} from sending a file of the
 * machine it runs on for a {@code LOAD DATA LOCAL INFILE} in it (the servers addons starts refuse
 * those too; the client's own refusal holds whatever its option files or the server say). Only when it has loaded are the tables swapped, in one
 * {@code RENAME TABLE} statement, which MySQL and MariaDB carry out atomically: every table of the
 * tenant moves to a holding database and every loaded one into the tenant's, which is then dropped
 * with the holding database. Sessions of the app stay open and see the new tables from their next
 * statement; the rename waits for their open transactions. When the load or the swap fails, the
 * scratch database is dropped and the tenant's tables are as they were.
 *
 * <p>Triggers, views, stored routines and events cannot move between databases with
 * {@code RENAME TABLE}: a restore of a dump holding any, or into a tenant that has any, is
 * refused before the tenant's data is touched. The scratch and holding databases have names no
 * tenant can have ({@code addons-restore-<hash>}, {@code addons-old-<hash>}), derived from the
 * tenant's, so that a restore that died half-way is cleaned up by the next one; a named lock keeps
 * two restores of a tenant apart. Passwords travel in the tools' environment only.
 *
 * <p>The admin runs none of the tenant's code (issue 17): its sessions have no default database;
 * in a tenant's database it reads {@code information_schema}, counts rows of base tables
 * ({@code SELECT} fires no trigger, and views, whose {@code SQL SECURITY INVOKER} would run
 * their functions as the admin, are never read), renames tables (no trigger fires) and drops
 * databases. Built-in functions cannot be shadowed (a stored function of the same name is only
 * called qualified), triggers and events run as their definer, which a tenant can only make
 * itself, MySQL has no per-database session settings, and {@code mysqldump} reads only
 * definitions and base tables. Stateless and thread-safe.
 */
final class MysqlBackups {
    private static final Logger LOG = LoggerFactory.getLogger(MysqlBackups.class);

    private static final String TABLES = "select table_name from information_schema.tables"
            + " where table_schema = ? and table_type = 'BASE TABLE' order by table_name";
    private static final String OTHER_OBJECTS = "select concat('view ', table_name) from information_schema.views"
            + " where table_schema = ?"
            + " union all select concat('trigger ', trigger_name) from information_schema.triggers"
            + " where trigger_schema = ?"
            + " union all select concat(lower(routine_type), ' ', routine_name) from information_schema.routines"
            + " where routine_schema = ?"
            + " union all select concat('event ', event_name) from information_schema.events where event_schema = ?";

    private MysqlBackups() {
    }

    /** Writes {@code mysqldump}'s dump of the tenant's database to {@code out}. */
    static void backup(String tenant, Binding binding, ServerAccess server, ServerTools tools, OutputStream out) {
        String database = binding.require(MysqlCredentials.DATABASE);
        long started = System.nanoTime();
        try {
            tools.run(List.of("mysqldump",
                    "--protocol=tcp",
                    "--host=" + tools.endpoint().host(),
                    "--port=" + tools.endpoint().port(),
                    "--user=" + server.adminUser(),
                    "--single-transaction",
                    "--routines",
                    "--triggers",
                    "--events",
                    "--no-tablespaces",
                    "--hex-blob",
                    "--default-character-set=utf8mb4",
                    database),
                    Map.of("MYSQL_PWD", server.adminPassword()), null, out);
        } catch (ProvisioningException e) {
            throw new ProvisioningException("Backing up MySQL tenant '" + tenant + "' on " + server.endpoint()
                    + " failed: " + e.getMessage(), e);
        }
        LOG.info("{} - Dumped database {} in {} ms", tenant, database, (System.nanoTime() - started) / 1_000_000);
    }

    /** Replaces the tenant's tables with those loaded from {@code in}, or leaves them as they were. */
    static void restore(String tenant, Binding binding, ServerAccess server, ServerTools tools, InputStream in) {
        String database = binding.require(MysqlCredentials.DATABASE);
        String user = binding.require(MysqlCredentials.USER);
        String password = binding.require(MysqlCredentials.PASSWORD);
        String scratch = "addons-restore-" + shortHash(database);
        String hold = "addons-old-" + shortHash(database);
        String what = "Restoring MySQL tenant '" + tenant + "' on " + server.endpoint();
        long started = System.nanoTime();
        try (Connection admin = MysqlAdmin.connect(server)) {
            lock(admin, scratch);
            refuseOtherObjects(admin, database, "the tenant's database");
            dropIfExists(admin, scratch);
            dropIfExists(admin, hold);
            try (Statement sql = admin.createStatement()) {
                sql.execute("create database " + quote(scratch) + " character set utf8mb4");
                sql.execute("create database " + quote(hold) + " character set utf8mb4");
            }
            try {
                load(admin, tools, user, password, scratch, in);
                refuseOtherObjects(admin, scratch, "the dump");
                long loaded = System.nanoTime();
                int swapped = swap(admin, database, scratch, hold);
                LOG.info("{} - Loaded the dump in {} ms and swapped in its {} table(s)", tenant,
                        (loaded - started) / 1_000_000, swapped);
            } finally {
                dropAfterwards(admin, tenant, scratch);
                dropAfterwards(admin, tenant, hold);
            }
        } catch (SQLException e) {
            throw MysqlAdmin.failure(what + " (its data is unchanged)", e, server.adminPassword(), password);
        } catch (UnsupportedOperationAddonException e) {
            throw new UnsupportedOperationAddonException(what + " refused; its data is unchanged: " + e.getMessage());
        } catch (ProvisioningException e) {
            throw new ProvisioningException(what + " failed; its data is unchanged: " + e.getMessage(), e);
        }
    }

    /**
     * After a restore whose process died: once its session is gone (its lock is then free), drops
     * the scratch database (the load, before the swap) and the holding one (the old tables, after
     * it) and takes back the tenant's grant on the scratch database, which outlives a drop.
     */
    static void cleanUpInterruptedRestore(String tenant, Binding binding, ServerAccess server) {
        String database = binding.require(MysqlCredentials.DATABASE);
        String user = binding.require(MysqlCredentials.USER);
        String scratch = "addons-restore-" + shortHash(database);
        try (Connection admin = MysqlAdmin.connect(server)) {
            try (PreparedStatement lock = admin.prepareStatement("select get_lock(?, 30)")) {
                lock.setString(1, scratch);
                try (ResultSet rs = lock.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) != 1) {
                        throw new ProvisioningException("Cleaning up after an interrupted restore of MySQL tenant '"
                                + tenant + "' on " + server.endpoint() + ": another restore of it is still running");
                    }
                }
            }
            dropIfExists(admin, scratch);
            dropIfExists(admin, "addons-old-" + shortHash(database));
            try (PreparedStatement revoke = admin.prepareStatement(
                    "revoke all privileges on " + grantPattern(scratch) + ".* from ?@'%'")) {
                revoke.setString(1, user);
                revoke.execute();
            } catch (SQLException e) {
                if (e.getErrorCode() != NO_SUCH_GRANT) {
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw MysqlAdmin.failure("Cleaning up after an interrupted restore of MySQL tenant '" + tenant + "' on "
                    + server.endpoint(), e, server.adminPassword());
        }
    }

    /** ER_NONEXISTING_GRANT: the restore had not granted the scratch database yet, or had taken it back. */
    private static final int NO_SUCH_GRANT = 1141;

    /** Whether the tenant's database holds a table, view, trigger, routine or event. */
    static boolean hasData(String tenant, Binding binding, ServerAccess server) {
        String database = binding.require(MysqlCredentials.DATABASE);
        try (Connection admin = MysqlAdmin.connect(server)) {
            return !tables(admin, database).isEmpty() || !otherObjects(admin, database).isEmpty();
        } catch (SQLException e) {
            throw MysqlAdmin.failure("Looking for data of MySQL tenant '" + tenant + "' on " + server.endpoint(), e,
                    server.adminPassword());
        }
    }

    /** Each table and its exact row count, read in one consistent snapshot. */
    static SortedMap<String, String> summary(String tenant, Binding binding, ServerAccess server) {
        String database = binding.require(MysqlCredentials.DATABASE);
        try (Connection admin = MysqlAdmin.connect(server); Statement sql = admin.createStatement()) {
            sql.execute("start transaction with consistent snapshot, read only");
            SortedMap<String, String> counts = new TreeMap<>();
            for (String table : tables(admin, database)) {
                try (ResultSet rs = sql.executeQuery("select count(*) from " + quote(database) + "." + quote(table))) {
                    rs.next();
                    counts.put(table, Long.toString(rs.getLong(1)));
                }
            }
            sql.execute("commit");
            return counts;
        } catch (SQLException e) {
            throw MysqlAdmin.failure("Summarizing MySQL tenant '" + tenant + "' on " + server.endpoint(), e,
                    server.adminPassword());
        }
    }

    /** Loads the dump into {@code scratch} as the tenant's user, granted it for the time of the load. */
    private static void load(Connection admin, ServerTools tools, String user, String password, String scratch,
            InputStream in) throws SQLException {
        try (PreparedStatement grant = admin.prepareStatement(
                "grant all privileges on " + grantPattern(scratch) + ".* to ?@'%'")) {
            grant.setString(1, user);
            grant.execute();
        }
        try {
            tools.run(List.of("mysql",
                    "--protocol=tcp",
                    "--host=" + tools.endpoint().host(),
                    "--port=" + tools.endpoint().port(),
                    "--user=" + user,
                    "--binary-mode",
                    "--local-infile=0",
                    "--batch",
                    "--database=" + scratch),
                    Map.of("MYSQL_PWD", password), in, OutputStream.nullOutputStream());
        } finally {
            try (PreparedStatement revoke = admin.prepareStatement(
                    "revoke all privileges on " + grantPattern(scratch) + ".* from ?@'%'")) {
                revoke.setString(1, user);
                revoke.execute();
            }
        }
    }

    /**
     * Moves every table of {@code database} to {@code hold} and every table of {@code scratch} to
     * {@code database} in one statement; returns how many tables came in.
     */
    private static int swap(Connection admin, String database, String scratch, String hold) throws SQLException {
        List<String> renames = new ArrayList<>();
        for (String table : tables(admin, database)) {
            renames.add(quote(database) + "." + quote(table) + " to " + quote(hold) + "." + quote(table));
        }
        List<String> incoming = tables(admin, scratch);
        for (String table : incoming) {
            renames.add(quote(scratch) + "." + quote(table) + " to " + quote(database) + "." + quote(table));
        }
        if (!renames.isEmpty()) {
            try (Statement sql = admin.createStatement()) {
                sql.execute("rename table " + String.join(", ", renames));
            }
        }
        return incoming.size();
    }

    private static List<String> tables(Connection admin, String database) throws SQLException {
        return strings(admin, TABLES, database);
    }

    private static List<String> otherObjects(Connection admin, String database) throws SQLException {
        return strings(admin, OTHER_OBJECTS, database, database, database, database);
    }

    private static void refuseOtherObjects(Connection admin, String database, String where) throws SQLException {
        List<String> others = otherObjects(admin, database);
        if (!others.isEmpty()) {
            throw new UnsupportedOperationAddonException("not supported: restores of MySQL databases with views,"
                    + " triggers, stored routines or events; " + where + " has " + others
                    + ". Drop them, or restore by hand with the mysql client");
        }
    }

    private static List<String> strings(Connection admin, String query, String... parameters) throws SQLException {
        try (PreparedStatement select = admin.prepareStatement(query)) {
            for (int i = 0; i < parameters.length; i++) {
                select.setString(i + 1, parameters[i]);
            }
            List<String> values = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
            return values;
        }
    }

    /** Takes the tenant's restore lock for the admin session, or fails when another restore holds it. */
    private static void lock(Connection admin, String name) throws SQLException {
        try (PreparedStatement lock = admin.prepareStatement("select get_lock(?, 0)")) {
            lock.setString(1, name);
            try (ResultSet rs = lock.executeQuery()) {
                rs.next();
                if (rs.getInt(1) != 1) {
                    throw new ProvisioningException("another restore of it is running; try again when it has"
                            + " finished");
                }
            }
        }
    }

    private static void dropIfExists(Connection admin, String database) throws SQLException {
        try (Statement sql = admin.createStatement()) {
            sql.execute("drop database if exists " + quote(database));
        }
    }

    /** Drops a scratch or holding database; one left behind is reported, and dropped by the next restore. */
    private static void dropAfterwards(Connection admin, String tenant, String database) {
        try {
            dropIfExists(admin, database);
        } catch (SQLException e) {
            LOG.warn("{} - The database {} could not be dropped (the next restore drops it): SQLState {}, error {}",
                    tenant, database, e.getSQLState(), e.getErrorCode());
        }
    }

    /** 10 hex digits of the SHA-256 of {@code name}: scratch names fit MySQL's 64 characters. */
    private static String shortHash(String name) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(name.getBytes(StandardCharsets.UTF_8))).substring(0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
