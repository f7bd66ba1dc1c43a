package dev.addons.postgres;

import static dev.addons.postgres.SqlIdentifiers.quote;

import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.ServerAccess;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and removes a tenant: a login role and a database of the same name, owned by it, that
 * no other non-superuser role can connect to.
 *
 * <p>Isolation on a shared server: the role is no superuser and cannot create roles or databases;
 * {@code CONNECT} and {@code TEMPORARY} on its database are revoked from {@code PUBLIC} and
 * granted to it alone, and it owns the database's {@code public} schema as the database's owner
 * (the schema's owner is {@code pg_database_owner}), on which {@code PUBLIC} has no rights
 * (PostgreSQL 15 does most of that by itself; this makes 14 the same). The
 * {@code postgres} and {@code template1} databases are closed to {@code PUBLIC} as well: an app
 * has no business there, and on PostgreSQL 14 anyone connected to {@code template1} could create
 * objects in it that every database created afterwards (another app's) would inherit. That is a
 * change to the whole server, made on an external server only when its operator allowed it
 * ({@link ServerAccess#serverWideChanges()}); without it tenants can connect to those two
 * databases, and still to no other tenant's. What an app
 * can still see are the cluster-wide catalogs every PostgreSQL user sees: the names of other
 * databases and roles in {@code pg_database} and {@code pg_roles}, and that other sessions exist
 * in {@code pg_stat_activity} (without their queries). Never their data. And a tenant of a shared
 * server opens at most as many sessions at once as its app asked for (its role's
 * {@code CONNECTION LIMIT}, 20 unless it asked, at most {@link #MAX_CONNECTION_LIMIT}), so that
 * one app cannot take every connection the server has; the next fails with
 * {@code too many connections for role} while other tenants still connect.
 *
 * <p>Marks: the role and the database carry the comment {@link ServerAccess#owner()} (the home's
 * mark), set in the transaction that creates the role. On a server addons did not start, a role
 * or database of the tenant's name without it is someone else's: provisioning refuses it and
 * deprovisioning leaves it. The tenant owns its database and may change that comment, but not its
 * role's (that takes {@code CREATEROLE}), so a database owned by the tenant's marked role counts
 * as marked.
 *
 * <p>The password never appears in SQL: the driver computes its SCRAM-SHA-256 verifier and sends
 * that, so neither a server log nor an error message can show it.
 *
 * <p>Fast path: the admin works over a connection kept open per server ({@link AdminConnections}).
 * A server the process runtime started from its data template carries one spare tenant,
 * {@value #SPARE}: a role that cannot log in and its database, made and locked down like a
 * tenant's when the template is built ({@link PostgresProcess}). The server's first tenant takes
 * it by renaming both and giving the role its login (a few milliseconds in one transaction)
 * instead of a {@code CREATE DATABASE}, which copies {@code template1} and took 0.2 s here, and
 * the connection to the new database that closes its schema. The result is the same as a created
 * tenant's: role attributes, database owner and privileges, schema owner and privileges. Every
 * later tenant, one that finds the spare taken by a concurrent first tenant, and every tenant of
 * a server without one (the container runtime, an external server, a data directory initialized
 * without the template) is created. On a server from the template it needs no connection to its
 * new database either: the template's {@code template1}, which {@code CREATE DATABASE} copies,
 * has the closed {@code public} schema already ({@link #TEMPLATE1_CLOSED}). The spare is never
 * made on a running server: spares made in
 * the background on shared servers were tried and dropped, as databases other apps and the
 * server's owner see, whose {@code CREATE DATABASE}s made every {@code DROP DATABASE}'s forced
 * checkpoint slower, and that would be left on servers addons does not own. A server that never
 * gets a tenant keeps its spare, which holds nothing and lets nobody in. Thread-safe.
 */
final class PostgresTenants {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresTenants.class);

    /**
     * The name of the spare tenant a server started from the template carries, role and database,
     * which its first tenant takes by renaming both; reserved, so no tenant can be given this name.
     */
    static final String SPARE = "addons_spare";

    /**
     * The most sessions a tenant of a shared server may be allowed: the server's 100 connections
     * ({@code max_connections}) less the 3 {@code superuser_reserved_connections}.
     */
    static final int MAX_CONNECTION_LIMIT = 97;
    /** PostgreSQL's {@code CONNECTION LIMIT} for none: a dedicated server's only tenant. */
    static final int NO_CONNECTION_LIMIT = -1;

    /** What a tenant's role may not do, besides logging in. */
    private static final String ROLE_LIMITS = "nosuperuser nocreatedb nocreaterole noreplication nobypassrls";
    private static final String CLOSE_MAINTENANCE = "revoke connect, temporary on database postgres, template1"
            + " from public";

    /**
     * The comment on {@code template1} of a server whose {@code template1} has the {@code public}
     * schema a tenant's database needs ({@link #restrictPublicSchema}), so that a database copied
     * from it needs no connection of its own to close it. Only a superuser may set it.
     */
    static final String TEMPLATE1_CLOSED = "addons: public schema closed";

    /**
     * What the template runs in its {@code template1} first: the {@code public} schema every
     * database copied from it then has, as {@link #restrictPublicSchema} makes it.
     */
    static final List<String> TEMPLATE_IN_TEMPLATE1 = restrictPublicSchemaStatements();

    /**
     * What the template runs in its {@code postgres} database then: the spare tenant, made as a
     * tenant is but with a role that cannot log in (its database a copy of that {@code template1}),
     * the maintenance databases closed as {@link #closeMaintenanceDatabases} does, and
     * {@code template1} marked {@link #TEMPLATE1_CLOSED}.
     */
    static final List<String> TEMPLATE_IN_MAINTENANCE = Stream.of(
            List.of("create role " + quote(SPARE) + " nologin " + ROLE_LIMITS),
            createDatabaseStatements(SPARE, SPARE),
            List.of(CLOSE_MAINTENANCE, "comment on database template1 is '" + TEMPLATE1_CLOSED + "'"))
            .flatMap(List::stream).toList();

    /**
     * Whether the tenant's role and database exist and are this home's (parameter 1: the name,
     * 2: the home's mark): the role when its comment is the mark, the database when its comment
     * is, or when its owner is the tenant's role bearing it (the tenant owns its database and may
     * change its comment, never its role's); then whether the spare is there (its database, owned
     * by its role), whether {@code PUBLIC} may still use {@code postgres} or {@code template1}, and
     * whether {@code template1} is marked {@link #TEMPLATE1_CLOSED}.
     */
    private static final String INSPECT = "with t(name, mark) as (select ?::text, ?::text) select"
            + " exists (select 1 from pg_roles, t where rolname = t.name),"
            + " exists (select 1 from pg_database, t where datname = t.name),"
            + " coalesce((select shobj_description(r.oid, 'pg_authid') = t.mark from pg_roles r, t"
            + "   where r.rolname = t.name), false),"
            + " coalesce((select shobj_description(d.oid, 'pg_database') = t.mark"
            + "     or (r.rolname = t.name and shobj_description(r.oid, 'pg_authid') = t.mark)"
            + "   from pg_database d join pg_roles r on r.oid = d.datdba, t where d.datname = t.name), false),"
            + " exists (select 1 from pg_database d join pg_roles r on r.oid = d.datdba"
            + "   where d.datname = '" + SPARE + "' and r.rolname = '" + SPARE + "'),"
            + " exists (select 1 from pg_database where datname in ('postgres', 'template1')"
            + "   and (has_database_privilege('public', oid, 'connect')"
            + "     or has_database_privilege('public', oid, 'temporary'))),"
            + " coalesce((select shobj_description(oid, 'pg_database') = '" + TEMPLATE1_CLOSED + "'"
            + "   from pg_database where datname = 'template1'), false)";

    /** Ends the sessions of the tenant's role and in its database. */
    private static final String TERMINATE_SESSIONS = "select count(pg_terminate_backend(pid)) from pg_stat_activity"
            + " where (usename = ? or datname = ?) and pid <> pg_backend_pid()";

    /** SQLState {@code invalid_catalog_name}: the database named does not exist. */
    private static final String NO_SUCH_DATABASE = "3D000";

    /** An advisory lock key of this module's own (the bytes of "addons-p"). */
    private static final long MAINTENANCE_LOCK = 0x6164646f6e732d70L;

    private PostgresTenants() {
    }

    /**
     * Creates the tenant {@code name}, replacing one of that name left by an earlier attempt; its
     * role may have {@code connectionLimit} sessions at once ({@link #NO_CONNECTION_LIMIT}: any).
     */
    static Binding provision(String name, int connectionLimit, ServerAccess server, AdminConnections connections,
            Verifiers verifiers) {
        refuseReserved(name, server);
        long started = System.nanoTime();
        Verifiers.Credential credential = verifiers.tenant();
        String password = credential.password();
        String verifier = credential.verifier();
        String serverVersion;
        try (AdminConnections.Lease lease = connections.borrow(server)) {
            Connection admin = lease.connection();
            Dropped dropped = drop(admin, name, server);
            if (dropped.foreign() != null) {
                throw foreign(name, server, dropped.foreign());
            }
            if (dropped.existed()) {
                LOG.info("{} - Replacing the role and database of that name left by an earlier attempt"
                        + " (ended {} session(s))", name, dropped.sessions());
            }
            try {
                if (!(dropped.spare() && takeSpare(admin, name, connectionLimit, verifier, server))) {
                    create(server, admin, name, connectionLimit, verifier, lease.othersLent() > 0,
                            dropped.template1Closed());
                }
                // A server-wide change: on a server of someone else's only when its operator allowed it.
                if (dropped.maintenanceOpen() && server.serverWideChanges()) {
                    closeMaintenanceDatabases(admin);
                }
                serverVersion = admin.unwrap(PGConnection.class).getParameterStatus("server_version");
            } catch (SQLException e) {
                dropAfterFailure(admin, name, server, e);
                throw e;
            }
        } catch (SQLException e) {
            throw PostgresAdmin.failure("Provisioning PostgreSQL tenant '" + name + "' on " + server.endpoint(), e,
                    password, verifier, server.adminPassword());
        }
        LOG.info("{} - Provisioned role and database on {} (PostgreSQL {}) in {} ms", name, server.endpoint(),
                serverVersion, (System.nanoTime() - started) / 1_000_000);
        return PostgresCredentials.withTls(Binding.of(
                PostgresCredentials.USER, name,
                PostgresCredentials.PASSWORD, password,
                PostgresCredentials.DATABASE, name,
                PostgresCredentials.SERVER_VERSION, serverVersion), server);
    }

    /**
     * Sets the tenant's role's {@code CONNECTION LIMIT} to {@code connectionLimit}
     * ({@link #NO_CONNECTION_LIMIT}: none); its open sessions stay. The role must exist and, on a
     * server addons did not start, bear the home's mark.
     */
    static void limitConnections(String name, int connectionLimit, ServerAccess server,
            AdminConnections connections) {
        refuseReserved(name, server);
        try (AdminConnections.Lease lease = connections.borrow(server)) {
            // On a server addons did not start, only a role bearing the home's mark is changed.
            try (PreparedStatement ours = lease.connection().prepareStatement("select exists (select 1 from pg_roles r"
                    + " where r.rolname = ? and (? or shobj_description(r.oid, 'pg_authid') = ?))")) {
                ours.setString(1, name);
                ours.setBoolean(2, server.ownsEverything());
                ours.setString(3, server.owner());
                try (ResultSet rs = ours.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        throw new ProvisioningException("Limiting the connections of PostgreSQL tenant '" + name
                                + "' on " + server.endpoint() + " failed: it has no role '" + name + "' this addons"
                                + " home made (marked '" + server.owner() + "')");
                    }
                }
            }
            try (Statement sql = lease.connection().createStatement()) {
                sql.execute("alter role " + quote(name) + " connection limit " + connectionLimit);
            }
        } catch (SQLException e) {
            throw PostgresAdmin.failure("Limiting the connections of PostgreSQL tenant '" + name + "' on "
                    + server.endpoint(), e, server.adminPassword());
        }
        LOG.info("{} - Its role may have {} session(s) at once on {}", name,
                connectionLimit == NO_CONNECTION_LIMIT ? "any number of" : connectionLimit, server.endpoint());
    }

    /** Ends the tenant's sessions and drops its database and role; a tenant already gone is no error. */
    static void deprovision(String name, ServerAccess server, AdminConnections connections) {
        refuseReserved(name, server);
        try (AdminConnections.Lease lease = connections.borrow(server)) {
            Dropped dropped = drop(lease.connection(), name, server);
            if (dropped.foreign() != null) {
                LOG.warn("{} - Left {} on {} alone: this addons home did not make it (it does not carry the comment"
                        + " '{}'), so it is not this addon's", name, dropped.foreign(), server.endpoint(),
                        server.owner());
            } else if (dropped.existed()) {
                LOG.info("{} - Dropped database and role on {} (ended {} session(s))", name, server.endpoint(),
                        dropped.sessions());
            } else {
                LOG.info("{} - No database or role on {} to drop", name, server.endpoint());
            }
        } catch (SQLException e) {
            throw PostgresAdmin.failure("Deprovisioning PostgreSQL tenant '" + name + "' on " + server.endpoint(), e,
                    server.adminPassword());
        }
    }

    private static void refuseReserved(String name, ServerAccess server) {
        if (SqlIdentifiers.isReserved(name, server.adminUser())) {
            throw new ProvisioningException("PostgreSQL tenant name '" + name + "' is reserved by the server"
                    + " (" + SqlIdentifiers.RESERVED_NAMES + ", the admin user); give the tenant another name");
        }
    }

    /**
     * What {@link #drop} found: whether the role or database existed, how many sessions it ended,
     * whether the spare was there, whether {@code PUBLIC} could still use a maintenance database
     * and whether {@code template1} is marked {@link #TEMPLATE1_CLOSED}; and, when it dropped
     * nothing because something of the name is not this home's, what ({@code role 'x'}, ...), else
     * {@code null}.
     */
    record Dropped(boolean existed, int sessions, boolean spare, boolean maintenanceOpen, boolean template1Closed,
            String foreign) {
    }

    /**
     * Ends the sessions of the role and in the database, and drops both if they exist and are this
     * home's (one query if none exists). On a server of someone else's, a role or database of the
     * name that does not bear the home's mark is left alone, and so is the other one.
     */
    static Dropped drop(Connection admin, String name, ServerAccess server) throws SQLException {
        boolean role;
        boolean database;
        boolean roleOurs;
        boolean databaseOurs;
        boolean spare;
        boolean maintenanceOpen;
        boolean template1Closed;
        try (PreparedStatement inspect = admin.prepareStatement(INSPECT)) {
            inspect.setString(1, name);
            inspect.setString(2, server.owner());
            try (ResultSet rs = inspect.executeQuery()) {
                rs.next();
                role = rs.getBoolean(1);
                database = rs.getBoolean(2);
                roleOurs = rs.getBoolean(3);
                databaseOurs = rs.getBoolean(4);
                spare = rs.getBoolean(5);
                maintenanceOpen = rs.getBoolean(6);
                template1Closed = rs.getBoolean(7);
            }
        }
        if (!role && !database) {
            return new Dropped(false, 0, spare, maintenanceOpen, template1Closed, null);
        }
        if (!server.ownsEverything()) {
            List<String> foreign = new java.util.ArrayList<>();
            if (role && !roleOurs) {
                foreign.add("the role '" + name + "'");
            }
            if (database && !databaseOurs) {
                foreign.add("the database '" + name + "'");
            }
            if (!foreign.isEmpty()) {
                return new Dropped(true, 0, spare, maintenanceOpen, template1Closed, String.join(" and ", foreign));
            }
        }
        int sessions;
        try (PreparedStatement terminate = admin.prepareStatement(TERMINATE_SESSIONS)) {
            terminate.setString(1, name);
            terminate.setString(2, name);
            try (ResultSet rs = terminate.executeQuery()) {
                rs.next();
                sessions = rs.getInt(1);
            }
        }
        try (Statement sql = admin.createStatement()) {
            // FORCE (PostgreSQL 13+) also ends sessions that connected after the terminate above.
            sql.execute("drop database if exists " + quote(name) + " with (force)");
            sql.execute("drop role if exists " + quote(name));
        }
        return new Dropped(true, sessions, spare, maintenanceOpen, template1Closed, null);
    }

    /** The refusal to provision {@code name} where {@code foreign}, not this home's, is in the way. */
    static ProvisioningException foreign(String name, ServerAccess server, String foreign) {
        return new ProvisioningException("PostgreSQL tenant '" + name + "' on " + server.endpoint() + ": "
                + foreign + " exist" + (foreign.contains(" and ") ? "" : "s") + " and this addons home did not make"
                + " it (addons marks what it makes with the comment '" + server.owner() + "'), so addons leaves it"
                + " alone. Give the app or environment another name, or have the server's owner drop or rename it",
                null);
    }

    /**
     * Creates the role (with its password's SCRAM {@code verifier}) and its database, and closes
     * the database's {@code public} schema from inside it.
     *
     * <p>{@code crowded}: other admin work runs on the server at the same time (tenants made or
     * dropped at once). PostgreSQL 15's default {@code CREATE DATABASE} strategy, {@code WAL_LOG},
     * writes the copy of {@code template1} through the WAL and leaves its some 300 files for the
     * next checkpoint to sync, which the next {@code DROP DATABASE} forces and waits for: 30 new
     * databases took 21 s of syncs there, here. {@code FILE_COPY} syncs the files itself and
     * forces two checkpoints, which creates running at once share: 16 made at once took as long
     * as with {@code WAL_LOG} (4-4.8 s here), and left the next checkpoint 0.2-0.4 s instead of
     * 9 s. Alone, {@code FILE_COPY} waits for those checkpoints and syncs by itself (1.1 s against
     * 0.2 s here), so a tenant made alone keeps {@code WAL_LOG}.
     *
     * <p>{@code template1Closed}: the server's {@code template1} is marked {@link #TEMPLATE1_CLOSED}
     * (a server started from the data template), so the new database has its closed
     * {@code public} schema from the copy. Otherwise the admin connects to the new database to
     * close it, a login (a SCRAM handshake, 10-40 ms of the client's time here) and a backend.
     * {@code template1} is never changed on a running server: a {@code CREATE DATABASE} fails
     * while its template has a session.
     */
    private static void create(ServerAccess server, Connection admin, String name, int connectionLimit,
            String verifier, boolean crowded, boolean template1Closed) throws SQLException {
        createRole(admin, name, connectionLimit, verifier, server);
        // STRATEGY is PostgreSQL 15's; 14 always copies files.
        boolean fileCopy = crowded && admin.getMetaData().getDatabaseMajorVersion() >= 15;
        createDatabase(admin, name, name, server.owner(), fileCopy);
        if (!template1Closed) {
            try (Connection tenantDatabase = PostgresAdmin.connect(server, name)) {
                restrictPublicSchema(tenantDatabase);
            }
        }
    }

    /**
     * Creates the tenant's login role, limited as every tenant's, with its password's SCRAM
     * {@code verifier} (the driver computes it: the password is never in SQL), and marks it with
     * the home's mark, in one transaction: no unmarked role is ever left behind.
     */
    static void createRole(Connection admin, String name, int connectionLimit, String verifier, ServerAccess server)
            throws SQLException {
        PostgresAdmin.inTransaction(admin, sql -> {
            sql.execute("create role " + quote(name) + " login connection limit " + connectionLimit + " "
                    + ROLE_LIMITS + " password '" + verifier + "'");
            sql.execute("comment on role " + quote(name) + " is '" + server.owner() + "'");
            return null;
        });
    }

    /**
     * Makes the spare the tenant {@code name}: renames its database and its role, which owns the
     * database and its {@code public} schema (the catalogs refer to the role by oid, so every
     * owner and privilege follows the rename), and lets the role log in with {@code verifier}.
     * The result is what {@link #create} makes, without a {@code CREATE DATABASE} or a connection
     * to the new database. In one transaction, so the spare is taken whole or not at all; the
     * database's rename comes first and waits for a concurrent claim, whose tenant has it then.
     * False when another tenant took it first.
     */
    private static boolean takeSpare(Connection admin, String name, int connectionLimit, String verifier,
            ServerAccess server) throws SQLException {
        try {
            PostgresAdmin.inTransaction(admin, sql -> {
                sql.execute("alter database " + quote(SPARE) + " rename to " + quote(name));
                sql.execute("alter role " + quote(SPARE) + " rename to " + quote(name));
                sql.execute("alter role " + quote(name) + " login connection limit " + connectionLimit
                        + " password '" + verifier + "'");
                sql.execute("comment on role " + quote(name) + " is '" + server.owner() + "'");
                sql.execute("comment on database " + quote(name) + " is '" + server.owner() + "'");
                return null;
            });
            return true;
        } catch (SQLException e) {
            if (NO_SUCH_DATABASE.equals(e.getSQLState())) {
                LOG.debug("{} - Another tenant took the spare first", name);
                return false;
            }
            throw e;
        }
    }

    /** Creates {@code database} owned by {@code role}, which alone may connect to it. */
    static void createDatabase(Connection admin, String database, String role) throws SQLException {
        createDatabase(admin, database, role, null, false);
    }

    /**
     * {@link #createDatabase(Connection, String, String)}, the database commented {@code mark}
     * unless null, copied with {@code STRATEGY FILE_COPY} when {@code fileCopy} (see {@link #create}).
     * What follows the {@code CREATE DATABASE} (which cannot run in a transaction) is one
     * transaction: one commit, one WAL flush, instead of one per statement.
     */
    private static void createDatabase(Connection admin, String database, String role, String mark,
            boolean fileCopy) throws SQLException {
        List<String> statements = createDatabaseStatements(database, role);
        try (Statement sql = admin.createStatement()) {
            sql.execute(statements.get(0) + (fileCopy ? " strategy file_copy" : ""));
        }
        PostgresAdmin.inTransaction(admin, sql -> {
            for (String statement : statements.subList(1, statements.size())) {
                sql.execute(statement);
            }
            if (mark != null) {
                sql.execute("comment on database " + quote(database) + " is '" + mark + "'");
            }
            return null;
        });
    }

    private static List<String> createDatabaseStatements(String database, String role) {
        return List.of(
                "create database " + quote(database) + " owner " + quote(role),
                "revoke all on database " + quote(database) + " from public",
                "grant connect, temporary on database " + quote(database) + " to " + quote(role));
    }

    /** Revokes {@code PUBLIC}'s access to {@code postgres} and {@code template1}; harmless to repeat. */
    static void closeMaintenanceDatabases(Connection admin) throws SQLException {
        PostgresAdmin.inTransaction(admin, sql -> {
            // Concurrent GRANT/REVOKE on one object can fail with "tuple concurrently updated":
            // tenants provisioned in parallel on a shared server take turns here.
            sql.execute("select pg_advisory_xact_lock(" + MAINTENANCE_LOCK + ")");
            sql.execute(CLOSE_MAINTENANCE);
            return null;
        });
    }

    /**
     * Runs inside the tenant's database: {@code public} belongs to the database's owner, the
     * tenant's role ({@code pg_database_owner}, PostgreSQL 15's default, which 14 has too), and
     * nobody else may use it.
     */
    static void restrictPublicSchema(Connection tenantDatabase) throws SQLException {
        PostgresAdmin.inTransaction(tenantDatabase, sql -> {
            for (String statement : restrictPublicSchemaStatements()) {
                sql.execute(statement);
            }
            return null;
        });
    }

    private static List<String> restrictPublicSchemaStatements() {
        return List.of("alter schema public owner to pg_database_owner", "revoke all on schema public from public");
    }

    private static void dropAfterFailure(Connection admin, String name, ServerAccess server, SQLException failure) {
        try {
            drop(admin, name, server);
        } catch (SQLException cleanup) {
            failure.addSuppressed(cleanup);
        }
    }
}
