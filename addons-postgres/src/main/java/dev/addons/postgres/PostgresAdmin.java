package dev.addons.postgres;

import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.Redaction;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.Urls;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.postgresql.Driver;

/**
 * Administrative JDBC connections to a server, the readiness check built on them, and the
 * redaction of secrets from SQL errors. The driver is used directly rather than through
 * {@link java.sql.DriverManager}, which refuses drivers that are not visible from the caller's
 * class loader (as when addons loads providers in a class loader of their own). Passwords go in
 * connection properties, never in a URL.
 *
 * <p>Every admin session starts with {@link #SAFE_SESSION}: a tenant owns its database and may
 * set that database's {@code search_path} and {@code role}, and define functions, operators and
 * aggregates in its schemas, which an admin session entering the database (the checks before a
 * backup or a migration, in a restored database or a copy too) would otherwise resolve its own
 * SQL to and run as a superuser.
 * Stateless and thread-safe.
 */
final class PostgresAdmin {

    /** The database every server has, where the admin works on roles and databases. */
    static final String MAINTENANCE_DATABASE = "postgres";

    /**
     * Startup options, which take precedence over {@code ALTER DATABASE ... SET} and
     * {@code ALTER ROLE ... SET}: unqualified names resolve in {@code pg_catalog} (then the
     * session's own temporary schema, which only it can write), never in a schema a tenant owns,
     * and the session acts as the admin, not as a role the database's settings name. Other
     * settings a tenant may put on its database (timeouts, read-only transactions) can only make
     * the admin's work on that tenant fail.
     */
    static final String SAFE_SESSION = "-c search_path=pg_catalog,pg_temp -c role=none";

    private static final Driver DRIVER = new Driver();

    private PostgresAdmin() {
    }

    /**
     * A readiness check: a connection as the admin that answers {@code select 1}, within seconds.
     * The connection is then kept for the admin work that follows ({@link AdminConnections#adopt}).
     */
    static void checkReady(ServerAccess server, AdminConnections connections) throws SQLException {
        Connection connection = connect(server, MAINTENANCE_DATABASE, 2, 2);
        try (Statement statement = connection.createStatement()) {
            statement.execute("select 1");
        } catch (SQLException | RuntimeException e) {
            try {
                connection.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        connections.adopt(server, connection);
    }

    /**
     * Gives the admin of a server started on a template copy its own password: {@code ALTER ROLE}
     * with the SCRAM verifier of {@code adminPassword} (computed ahead by {@code verifiers} when the
     * start prepared it), over a connection made with the template password
     * ({@code templateAccess}). Existing sessions are not ended; there are none but the readiness
     * check's, which has closed.
     */
    static void personalize(ServerAccess templateAccess, String adminPassword, AdminConnections connections,
            Verifiers verifiers) throws SQLException {
        AdminConnections.Lease lease = null;
        String verifier = verifiers.verifier(adminPassword);
        try {
            // The readiness check's connection, kept: one login fewer.
            lease = connections.borrow(templateAccess);
            try (Statement sql = lease.connection().createStatement()) {
                sql.execute("alter role " + SqlIdentifiers.quote(templateAccess.adminUser()) + " password '"
                        + verifier + "'");
            }
            // Still logged in: the same session serves the admin's work under the new password.
            lease.handOver(new ServerAccess(templateAccess.serverId(), templateAccess.endpoint(),
                    templateAccess.adminUser(), adminPassword, templateAccess.extraEndpoints()));
        } catch (SQLException e) {
            if (lease != null) {
                lease.close();
            }
            throw failure("Giving the admin of " + templateAccess.serverId() + " its own password", e,
                    adminPassword, verifier, templateAccess.adminPassword());
        }
    }

    /** A connection to {@code database} as the admin, for provisioning work. */
    static Connection connect(ServerAccess server, String database) throws SQLException {
        return connect(server, database, 10, 120);
    }

    private static Connection connect(ServerAccess server, String database, int connectSeconds, int socketSeconds)
            throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", server.adminUser());
        properties.setProperty("password", server.adminPassword());
        properties.setProperty("connectTimeout", Integer.toString(connectSeconds));
        properties.setProperty("loginTimeout", Integer.toString(connectSeconds));
        properties.setProperty("socketTimeout", Integer.toString(socketSeconds));
        properties.setProperty("ApplicationName", "addons");
        properties.setProperty("options", SAFE_SESSION);
        server.tlsCaFile().ifPresent(caFile -> {
            // TLS, the server's certificate checked against the operator's CA file and its name
            // against the host: pgjdbc's default (prefer) would take any certificate, or none.
            properties.setProperty("sslmode", "verify-full");
            properties.setProperty("sslrootcert", caFile.toString());
        });
        String url = "jdbc:postgresql://" + Urls.host(server.endpoint().host()) + ":"
                + server.endpoint().port() + "/" + Urls.encode(database);
        Connection connection = DRIVER.connect(url, properties);
        if (connection == null) {
            throw new SQLException("the PostgreSQL driver did not accept " + url);
        }
        return connection;
    }

    /** Work on a connection in one transaction, see {@link #inTransaction}. */
    @FunctionalInterface
    interface Transaction<T> {
        T run(Statement sql) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction on {@code connection} (in auto-commit mode, and left so):
     * committed when it returns, rolled back when it throws.
     */
    static <T> T inTransaction(Connection connection, Transaction<T> work) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement sql = connection.createStatement()) {
            T result = work.run(sql);
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /**
     * A {@link ProvisioningException} for {@code failure}, saying what failed and its SQLState. The
     * driver's message is kept with every {@code secret} in it redacted, and the cause is the
     * {@link Redaction} of the whole chain (causes and suppressed exceptions too), so no secret
     * survives in a stack trace.
     */
    static ProvisioningException failure(String what, SQLException failure, String... secrets) {
        Redaction redaction = Redaction.of(secrets);
        return new ProvisioningException(what + " failed (SQLState " + failure.getSQLState() + "): "
                + redaction.reason(failure), redaction.redact(failure));
    }
}
