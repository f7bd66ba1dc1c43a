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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates a tenant as a copy of another on the same server: a role of its own and
 * {@code CREATE DATABASE copy TEMPLATE source}, a file copy of the source's database, with the
 * copied objects handed to the new role. The new tenant is locked down as
 * {@link PostgresTenants} locks down any. The admin works over a connection kept open per server
 * ({@link AdminConnections}), as for a tenant made from nothing: a copy logs in once, into the
 * copy. Stateless and thread-safe.
 */
final class PostgresCopies {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresCopies.class);
    /** object_in_use: the template still had a session when the copy began. */
    private static final String OBJECT_IN_USE = "55006";
    private static final int ATTEMPTS = 5;
    /** An advisory lock key of this class's own (the bytes of "addons-c"). */
    private static final long HAND_OVER_LOCK = 0x6164646f6e732d63L;

    private PostgresCopies() {
    }

    /**
     * Creates the tenant {@code name} as a copy of the source tenant's database, replacing an
     * earlier attempt; its role may have {@code connectionLimit} sessions at once
     * ({@link PostgresTenants#NO_CONNECTION_LIMIT}: any), as a tenant made from nothing.
     */
    static Binding copy(String name, int connectionLimit, Binding source, ServerAccess server,
            AdminConnections connections, Verifiers verifiers) {
        String sourceRole = source.require(PostgresCredentials.USER);
        String sourceDatabase = source.require(PostgresCredentials.DATABASE);
        if (SqlIdentifiers.isReserved(name, server.adminUser())) {
            throw new ProvisioningException("PostgreSQL tenant name '" + name + "' is reserved by the server;"
                    + " give the tenant another name");
        }
        long started = System.nanoTime();
        Verifiers.Credential credential = verifiers.tenant();
        String password = credential.password();
        String verifier = credential.verifier();
        String serverVersion;
        try (AdminConnections.Lease lease = connections.borrow(server)) {
            Connection admin = lease.connection();
            PostgresTenants.Dropped dropped = PostgresTenants.drop(admin, name, server);
            if (dropped.foreign() != null) {
                throw PostgresTenants.foreign(name, server, dropped.foreign());
            }
            try {
                serverVersion = create(admin, name, connectionLimit, verifier, sourceDatabase, server);
                try (Connection copy = PostgresAdmin.connect(server, name)) {
                    handOver(admin, copy, sourceRole, name, sourceDatabase);
                }
            } catch (SQLException e) {
                try {
                    PostgresTenants.drop(admin, name, server);
                } catch (SQLException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw PostgresAdmin.failure("Copying PostgreSQL database '" + sourceDatabase + "' to tenant '" + name
                    + "' on " + server.endpoint(), e, password, verifier, server.adminPassword());
        }
        LOG.info("{} - Copied database {} on {} in {} ms", name, sourceDatabase, server.endpoint(),
                (System.nanoTime() - started) / 1_000_000);
        return PostgresCredentials.withTls(Binding.of(
                PostgresCredentials.USER, name,
                PostgresCredentials.PASSWORD, password,
                PostgresCredentials.DATABASE, name,
                PostgresCredentials.SERVER_VERSION, serverVersion), server);
    }

    /**
     * Role ({@link PostgresTenants#createRole}), then the database from the template, which must
     * have no session: those there are ended.
     */
    private static String create(Connection admin, String name, int connectionLimit, String verifier,
            String sourceDatabase, ServerAccess server) throws SQLException {
        String id = quote(name);
        try (Statement sql = admin.createStatement()) {
            PostgresTenants.createRole(admin, name, connectionLimit, verifier, server);
            for (int attempt = 1; ; attempt++) {
                endSessions(admin, sourceDatabase);
                try {
                    sql.execute("create database " + id + " template " + quote(sourceDatabase) + " owner " + id);
                    break;
                } catch (SQLException e) {
                    // A client of the source connected again between the two statements.
                    if (!OBJECT_IN_USE.equals(e.getSQLState()) || attempt == ATTEMPTS) {
                        throw e;
                    }
                }
            }
            // One transaction, one commit (a WAL flush) rather than one per statement.
            PostgresAdmin.inTransaction(admin, locked -> {
                locked.execute("comment on database " + id + " is '" + server.owner() + "'");
                locked.execute("revoke all on database " + id + " from public");
                locked.execute("grant connect, temporary on database " + id + " to " + id);
                return null;
            });
            try (ResultSet rs = sql.executeQuery("show server_version")) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static void endSessions(Connection admin, String database) throws SQLException {
        try (PreparedStatement terminate = admin.prepareStatement("select count(pg_terminate_backend(pid))"
                + " from pg_stat_activity where datname = ? and pid <> pg_backend_pid()")) {
            terminate.setString(1, database);
            terminate.executeQuery().close();
        }
    }

    /**
     * Runs in the copy: its objects, the source role's, go to the new role. REASSIGN OWNED also
     * hands over the role's shared objects (the source database), which the next statement gives
     * back, in the same transaction. Copies of one source made at once take turns (under a lock
     * held by the admin session: advisory locks are per database), as two concurrent updates of
     * the source's catalog row fail with "tuple concurrently updated".
     */
    private static void handOver(Connection admin, Connection copy, String sourceRole, String name,
            String sourceDatabase) throws SQLException {
        try (Statement lock = admin.createStatement()) {
            lock.execute("select pg_advisory_lock(" + HAND_OVER_LOCK + ")");
            copy.setAutoCommit(false);
            try (Statement sql = copy.createStatement()) {
                sql.execute("reassign owned by " + quote(sourceRole) + " to " + quote(name));
                sql.execute("alter database " + quote(sourceDatabase) + " owner to " + quote(sourceRole));
                copy.commit();
            } catch (SQLException e) {
                copy.rollback();
                throw e;
            } finally {
                lock.execute("select pg_advisory_unlock(" + HAND_OVER_LOCK + ")");
            }
        }
    }
}
