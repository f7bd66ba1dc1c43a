package dev.addons.mysql;

import com.mysql.cj.jdbc.Driver;
import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.Redaction;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.Urls;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Administrative JDBC connections to a server (MySQL Connector/J, for MySQL and MariaDB alike),
 * the readiness check built on them, and the redaction of secrets from SQL errors. The driver is
 * used directly rather than through {@link java.sql.DriverManager}, which refuses drivers that are
 * not visible from the caller's class loader (as when addons loads providers in a class loader of
 * their own). Passwords go in connection properties, never in a URL.
 *
 * <p>A server registered for verified TLS ({@link ServerAccess#tlsCaFile()}) is reached with
 * {@code sslMode=VERIFY_IDENTITY}: TLS required, the server's certificate verified against the CA
 * file alone (as a temporary trust store, {@link MysqlTrustStore}; never the JVM's) and its names
 * against the host. Stateless and thread-safe.
 */
final class MysqlAdmin {

    private static final Driver DRIVER = newDriver();

    private MysqlAdmin() {
    }

    /** A readiness check: a connection as the admin that answers {@code select 1}, within seconds. */
    static void checkReady(ServerAccess server) throws SQLException {
        try (Connection connection = connect(server, 2, 2); Statement statement = connection.createStatement()) {
            statement.execute("select 1");
        }
    }

    /** A connection as the admin, to no database, for provisioning work. */
    static Connection connect(ServerAccess server) throws SQLException {
        return connect(server, 10, 120);
    }

    private static Connection connect(ServerAccess server, int connectSeconds, int socketSeconds)
            throws SQLException {
        Properties properties = properties(server, connectSeconds, socketSeconds);
        String url = "jdbc:mysql://" + Urls.host(server.endpoint().host()) + ":" + server.endpoint().port() + "/";
        if (server.tlsCaFile().isEmpty()) {
            return connect(url, properties);
        }
        // Read during the handshake only: the store is deleted as soon as the connection is open.
        try (MysqlTrustStore trustStore = MysqlTrustStore.of(server.tlsCaFile().get())) {
            trustStore.configure(properties);
            return connect(url, properties);
        }
    }

    private static Connection connect(String url, Properties properties) throws SQLException {
        Connection connection = DRIVER.connect(url, properties);
        if (connection == null) {
            throw new SQLException("MySQL Connector/J did not accept " + url);
        }
        return connection;
    }

    /**
     * The admin connection's properties for {@code server}, password included; for a server
     * registered for verified TLS, all but the trust store, which {@link MysqlTrustStore} adds.
     */
    static Properties properties(ServerAccess server, int connectSeconds, int socketSeconds) {
        Properties properties = new Properties();
        properties.setProperty("user", server.adminUser());
        properties.setProperty("password", server.adminPassword());
        properties.setProperty("connectTimeout", Integer.toString(connectSeconds * 1000));
        properties.setProperty("socketTimeout", Integer.toString(socketSeconds * 1000));
        // MySQL 8 and 9 log users in with caching_sha2_password, whose first login needs TLS (which
        // Connector/J prefers and the official images offer) or else the server's RSA key. A key
        // fetched over plain TCP can be a man in the middle's, who then reads the password it
        // encrypts: only a server on this host's loopback, which the runtime started, may send it.
        // An external server is reached over TLS, or with a password already cached by the server.
        if (isLoopback(server.endpoint().host())) {
            properties.setProperty("allowPublicKeyRetrieval", "true");
        }
        // Bind parameters are filled in by the driver: the server cannot prepare CREATE USER ... BY ?.
        properties.setProperty("useServerPrepStmts", "false");
        // Dropping a database waits for its metadata lock; MySQL's default wait is a year.
        properties.setProperty("sessionVariables", "lock_wait_timeout=60");
        properties.setProperty("connectionAttributes", "program_name:addons");
        server.tlsCaFile().ifPresent(caFile -> {
            // TLS, the certificate checked against the operator's CA and its names against the host;
            // Connector/J's default (PREFERRED) would take any certificate, or none.
            properties.setProperty("sslMode", MysqlCredentials.VERIFY_IDENTITY);
            properties.setProperty("fallbackToSystemTrustStore", "false");
        });
        return properties;
    }

    /**
     * Whether {@code host} is this host's loopback: {@code localhost}, an address in
     * {@code 127.0.0.0/8} or {@code ::1}. Decided from the text alone, without a name lookup.
     */
    static boolean isLoopback(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (bare.matches("127(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}")) {
            return true;
        }
        if (bare.indexOf(':') >= 0 && bare.matches("[0-9a-fA-F:.]+")) {
            try {
                // An IPv6 literal: parsed without a lookup.
                return java.net.InetAddress.getByName(bare).isLoopbackAddress();
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    /**
     * A {@link ProvisioningException} for {@code failure}, saying what failed with its SQLState and
     * error code. The driver's message is kept with every {@code secret} in it redacted (a syntax
     * error quotes the statement, and so a password in it), and the cause is the
     * {@link Redaction} of the whole chain: copies carrying redacted messages where a secret
     * shows, the driver's own exceptions where none does. So no secret survives in a stack trace.
     */
    static ProvisioningException failure(String what, SQLException failure, String... secrets) {
        Redaction redaction = Redaction.of(secrets);
        return new ProvisioningException(what + " failed (SQLState " + failure.getSQLState() + ", error "
                + failure.getErrorCode() + "): " + redaction.reason(failure), redaction.redact(failure));
    }

    private static Driver newDriver() {
        try {
            return new Driver();
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
