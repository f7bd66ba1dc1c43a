package dev.addons.mysql;

import static dev.addons.mysql.MysqlIdentifiers.grantPattern;
import static dev.addons.mysql.MysqlIdentifiers.quote;

import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.Secrets;
import dev.addons.api.spi.ServerAccess;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and removes a tenant: a database named after it, and a user
 * ({@link MysqlIdentifiers#userName}) that may log in from any host with a random password and
 * holds {@code ALL PRIVILEGES} on that database only.
 *
 * <p>Isolation on a shared server: the user has no global privilege (so it cannot see other
 * sessions, read files or create users) and no privilege on any other database, which it can
 * neither open nor list. The database in its {@code GRANT} is escaped, as {@code _} would
 * otherwise be a wildcard granting databases of other tenants whose names differ there. What a
 * tenant can still see is what every MySQL user sees: the server's version and variables. A
 * tenant of a shared server opens at most as many sessions at once as its app asked for (its
 * user's {@code MAX_USER_CONNECTIONS}, 20 unless it asked, at most {@link #MAX_CONNECTION_LIMIT}),
 * so that one app cannot take every connection the server has; the next fails with error 1226
 * while other tenants still connect.
 *
 * <p>Marks: on a server addons did not start, the tenant's database and user are recorded as
 * made by this home ({@link ServerAccess#owner()}) in {@link MysqlMarks#TABLE} before they are
 * made, so that no unmarked object of the home's is ever left behind. A database or user of the
 * tenant's name without this home's mark (an account of that user name on any host counts) is
 * someone else's: provisioning refuses it and deprovisioning leaves it, and the other one with it.
 * The tenant has no privilege on the record, so it cannot move a mark. On the home's own servers
 * everything is the home's and nothing is recorded. Provisioning makes no change to the server as
 * a whole beyond that record: there is nothing for {@link ServerAccess#serverWideChanges()} to
 * allow.
 *
 * <p>The password travels only as a bind parameter, filled in by the driver, to
 * {@code CREATE USER ... IDENTIFIED BY}; MySQL keeps it as a {@code caching_sha2_password} hash,
 * MariaDB as a {@code mysql_native_password} one. SQL errors that might quote it are redacted
 * before they reach an exception. Stateless and thread-safe.
 */
final class MysqlTenants {
    private static final Logger LOG = LoggerFactory.getLogger(MysqlTenants.class);

    /**
     * The most sessions a tenant of a shared server may be allowed: the server's 151 connections
     * ({@code max_connections}' default, which addons keeps) less one. The admin has one more
     * besides, which MySQL and MariaDB keep for an account with {@code SUPER} or
     * {@code CONNECTION_ADMIN}.
     */
    static final int MAX_CONNECTION_LIMIT = 150;
    /** {@code MAX_USER_CONNECTIONS} for none: a dedicated server's only tenant. */
    static final int NO_CONNECTION_LIMIT = 0;

    /** The host part of a tenant's account: apps connect from wherever their runtime puts them. */
    private static final String ANY_HOST = "'%'";

    /** The hosts of the accounts of a user name; a MariaDB role's host is empty. */
    private static final String USER_HOSTS = "select host from mysql.user where user = ?";
    /** Databases of a name, compared exactly in Java: the column's collation ignores case. */
    private static final String DATABASES = "select schema_name from information_schema.schemata"
            + " where schema_name = ?";
    private static final String SESSIONS = "select id from information_schema.processlist"
            + " where (user = ? or db = ?) and id <> connection_id()";
    /** MySQL's and MariaDB's error for a KILL of a session that has ended meanwhile. */
    private static final int NO_SUCH_THREAD = 1094;

    private MysqlTenants() {
    }

    /**
     * Creates the tenant {@code name}, replacing one of that name left by an earlier attempt; its
     * user may have {@code connectionLimit} sessions at once ({@link #NO_CONNECTION_LIMIT}: any).
     */
    static Binding provision(String name, int connectionLimit, ServerAccess server) {
        refuseReserved(name, server);
        long started = System.nanoTime();
        String user = MysqlIdentifiers.userName(name);
        String password = Secrets.password();
        String serverVersion;
        try (Connection admin = MysqlAdmin.connect(server)) {
            Dropped dropped = drop(admin, user, name, server);
            if (dropped.foreign() != null) {
                throw foreign(name, server, dropped.foreign());
            }
            if (dropped.existed()) {
                LOG.info("{} - Replacing the user and database of that name left by an earlier attempt"
                        + " (ended {} session(s))", name, dropped.sessions());
            }
            if (!server.ownsEverything() && !MysqlMarks.mark(admin, server.owner(), user, name)) {
                throw foreign(name, server, "the user '" + user + "' or the database '" + name + "' (another"
                        + " addons home claimed one just now)");
            }
            try {
                serverVersion = create(admin, user, name, password, connectionLimit);
            } catch (SQLException e) {
                dropAfterFailure(admin, user, name, server, e);
                throw e;
            }
        } catch (SQLException e) {
            throw MysqlAdmin.failure("Provisioning MySQL tenant '" + name + "' on " + server.endpoint(), e,
                    password, server.adminPassword());
        }
        LOG.info("{} - Provisioned user {} and database on {} ({}) in {} ms", name, user, server.endpoint(),
                describe(serverVersion), (System.nanoTime() - started) / 1_000_000);
        return MysqlCredentials.withTls(Binding.of(
                MysqlCredentials.USER, user,
                MysqlCredentials.PASSWORD, password,
                MysqlCredentials.DATABASE, name,
                MysqlCredentials.SERVER_VERSION, serverVersion), server);
    }

    /**
     * Sets the tenant's user's {@code MAX_USER_CONNECTIONS} to {@code connectionLimit}
     * ({@link #NO_CONNECTION_LIMIT}: none); its open sessions stay. The user must exist.
     */
    static void limitConnections(String name, int connectionLimit, ServerAccess server) {
        refuseReserved(name, server);
        String user = MysqlIdentifiers.userName(name);
        try (Connection admin = MysqlAdmin.connect(server);
                PreparedStatement alter = admin.prepareStatement("alter user ?@" + ANY_HOST
                        + " with max_user_connections " + connectionLimit)) {
            alter.setString(1, user);
            alter.execute();
        } catch (SQLException e) {
            throw MysqlAdmin.failure("Limiting the connections of MySQL tenant '" + name + "' (user " + user + ") on "
                    + server.endpoint(), e, server.adminPassword());
        }
        LOG.info("{} - Its user may have {} session(s) at once on {}", name,
                connectionLimit == NO_CONNECTION_LIMIT ? "any number of" : connectionLimit, server.endpoint());
    }

    /** Ends the tenant's sessions and drops its user and database; a tenant already gone is no error. */
    static void deprovision(String name, ServerAccess server) {
        refuseReserved(name, server);
        try (Connection admin = MysqlAdmin.connect(server)) {
            Dropped dropped = drop(admin, MysqlIdentifiers.userName(name), name, server);
            if (dropped.foreign() != null) {
                LOG.warn("{} - Left {} on {} alone: this addons home did not make it (it is not recorded in {} as"
                        + " '{}'), so it is not this addon's", name, dropped.foreign(), server.endpoint(),
                        MysqlMarks.TABLE, server.owner());
            } else if (dropped.existed()) {
                LOG.info("{} - Dropped user and database on {} (ended {} session(s))", name, server.endpoint(),
                        dropped.sessions());
            } else {
                LOG.info("{} - No user or database on {} to drop", name, server.endpoint());
            }
        } catch (SQLException e) {
            throw MysqlAdmin.failure("Deprovisioning MySQL tenant '" + name + "' on " + server.endpoint(), e,
                    server.adminPassword());
        }
    }

    /** What serves a tenant, for logs: {@code version()} says MariaDB itself where it is MariaDB. */
    static String describe(String serverVersion) {
        return serverVersion.contains("MariaDB") ? serverVersion + ", standing in for MySQL"
                : "MySQL " + serverVersion;
    }

    private static void refuseReserved(String name, ServerAccess server) {
        if (MysqlIdentifiers.isReserved(name, server.adminUser())) {
            throw new ProvisioningException("MySQL tenant name '" + name + "' is reserved by the server"
                    + " (" + MysqlIdentifiers.RESERVED_NAMES + ", the admin user);"
                    + " give the tenant another name");
        }
    }

    /**
     * What {@link #drop} found: whether the user or database existed, how many sessions it ended;
     * and, when it dropped nothing because something of the name is not this home's, what
     * ({@code the user 'x'@'%'}, ...), else {@code null}.
     */
    private record Dropped(boolean existed, int sessions, String foreign) {
    }

    /**
     * Drops the user first, so that no new session can start, then ends the sessions of the user
     * and in the database (a dropped user's open sessions would otherwise live on), then drops the
     * database and removes the home's marks of both. On a server of someone else's, a user or
     * database of the name that does not bear the home's mark is left alone, and so is the other
     * one.
     */
    private static Dropped drop(Connection admin, String user, String database, ServerAccess server)
            throws SQLException {
        List<String> hosts = new ArrayList<>();
        try (PreparedStatement select = admin.prepareStatement(USER_HOSTS)) {
            select.setString(1, user);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    hosts.add(rs.getString(1));
                }
            }
        }
        boolean databaseExists = false;
        try (PreparedStatement select = admin.prepareStatement(DATABASES)) {
            select.setString(1, database);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    databaseExists |= database.equals(rs.getString(1));
                }
            }
        }
        boolean existed = !hosts.isEmpty() || databaseExists;
        if (!server.ownsEverything()) {
            String foreign = foreign(admin, user, hosts, database, databaseExists, server.owner());
            if (foreign != null) {
                return new Dropped(existed, 0, foreign);
            }
        }
        int sessions = 0;
        if (existed) {
            try (PreparedStatement dropUser = admin.prepareStatement("drop user if exists ?@" + ANY_HOST)) {
                dropUser.setString(1, user);
                dropUser.execute();
            }
            sessions = endSessions(admin, user, database);
            try (Statement sql = admin.createStatement()) {
                sql.execute("drop database if exists " + quote(database));
            }
        }
        if (!server.ownsEverything()) {
            MysqlMarks.unmark(admin, server.owner(), user, database);
        }
        return new Dropped(existed, sessions, null);
    }

    /**
     * What of the tenant's names is not {@code home}'s, or {@code null}: an account of the user
     * name on a host other than {@code '%'} (addons makes none), the {@code '%'} account or the
     * database without the home's mark, and a name another home marked, made yet or not.
     */
    private static String foreign(Connection admin, String user, List<String> hosts, String database,
            boolean databaseExists, String home) throws SQLException {
        Map<String, String> owners = MysqlMarks.owners(admin, user, database);
        List<String> foreign = new ArrayList<>();
        String userOwner = owners.get(MysqlMarks.KIND_USER);
        for (String host : hosts) {
            if (!host.equals("%") || !home.equals(userOwner)) {
                foreign.add("the user '" + user + "'@'" + host + "'" + madeBy(userOwner, home));
            }
        }
        if (hosts.isEmpty() && userOwner != null && !home.equals(userOwner)) {
            foreign.add("the user name '" + user + "' (claimed by " + userOwner + ")");
        }
        String databaseOwner = owners.get(MysqlMarks.KIND_DATABASE);
        if (databaseExists && !home.equals(databaseOwner)) {
            foreign.add("the database '" + database + "'" + madeBy(databaseOwner, home));
        } else if (!databaseExists && databaseOwner != null && !home.equals(databaseOwner)) {
            foreign.add("the database name '" + database + "' (claimed by " + databaseOwner + ")");
        }
        return foreign.isEmpty() ? null : String.join(" and ", foreign);
    }

    private static String madeBy(String owner, String home) {
        return owner == null || owner.equals(home) ? "" : " (made by " + owner + ")";
    }

    /** The refusal to provision {@code name} where {@code foreign}, not this home's, is in the way. */
    private static ProvisioningException foreign(String name, ServerAccess server, String foreign) {
        String them = foreign.contains(" and ") ? "them" : "it";
        return new ProvisioningException("MySQL tenant '" + name + "' on " + server.endpoint() + ": this addons home"
                + " did not make " + foreign + ", so addons leaves " + them + " alone (it records what it makes in "
                + MysqlMarks.TABLE + ", as '" + server.owner() + "'). Give the app or environment another name, or"
                + " have the server's owner drop or rename " + them, null);
    }

    private static int endSessions(Connection admin, String user, String database) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement sessions = admin.prepareStatement(SESSIONS)) {
            sessions.setString(1, user);
            sessions.setString(2, database);
            try (ResultSet rs = sessions.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        int ended = 0;
        try (Statement sql = admin.createStatement()) {
            for (long id : ids) {
                try {
                    sql.execute("kill connection " + id);
                    ended++;
                } catch (SQLException e) {
                    if (e.getErrorCode() != NO_SUCH_THREAD) {
                        throw e;
                    }
                }
            }
        }
        return ended;
    }

    /** Creates database and user and grants the one to the other; returns the server's version. */
    private static String create(Connection admin, String user, String database, String password,
            int connectionLimit) throws SQLException {
        try (Statement sql = admin.createStatement()) {
            sql.execute("create database " + quote(database) + " character set utf8mb4");
        }
        try (PreparedStatement createUser = admin.prepareStatement("create user ?@" + ANY_HOST + " identified by ?"
                + " with max_user_connections " + connectionLimit)) {
            createUser.setString(1, user);
            createUser.setString(2, password);
            createUser.execute();
        }
        try (PreparedStatement grant = admin.prepareStatement(
                "grant all privileges on " + grantPattern(database) + ".* to ?@" + ANY_HOST)) {
            grant.setString(1, user);
            grant.execute();
        }
        try (Statement sql = admin.createStatement(); ResultSet rs = sql.executeQuery("select version()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void dropAfterFailure(Connection admin, String user, String database, ServerAccess server,
            SQLException failure) {
        try {
            drop(admin, user, database, server);
        } catch (SQLException cleanup) {
            failure.addSuppressed(cleanup);
        }
    }
}
