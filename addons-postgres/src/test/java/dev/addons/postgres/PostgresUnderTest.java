package dev.addons.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.Endpoint;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.ServerAccess;
import dev.addons.testkit.SqlEngineUnderTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * PostgreSQL for the shared scenarios: version 15 from Debian on the process runtime, the local
 * image honouring the official postgres image's contract on the container runtime, and an app
 * that keeps key-value pairs in a table of its database, connected with pgjdbc from its PG*
 * variables alone. A tenant past its role's {@code CONNECTION LIMIT} is refused with SQL state
 * 53300.
 */
final class PostgresUnderTest implements SqlEngineUnderTest {
    /** PostgreSQL's too_many_connections. */
    private static final String TOO_MANY_CONNECTIONS = "53300";

    /** PostgreSQL's dynamic shared memory control segment, {@code /dev/shm/PostgreSQL.<n>}. */
    @Override
    public boolean usesSharedMemoryFiles() {
        return true;
    }

    @Override
    public String addon() {
        return "postgresql";
    }

    @Override
    public String processVersion() {
        return "15";
    }

    @Override
    public String testImage() {
        return "localhost/addons-test/postgres:15";
    }

    @Override
    public List<String> variables() {
        return List.of("DATABASE_URL", "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE");
    }

    @Override
    public Endpoint endpoint(Map<String, String> variables) {
        return new Endpoint(variables.get("PGHOST"), Integer.parseInt(variables.get("PGPORT")));
    }

    @Override
    public void write(Map<String, String> variables, String key, String value) throws SQLException {
        try (Connection connection = connect(variables); Statement ddl = connection.createStatement();
                PreparedStatement insert = connection.prepareStatement(
                        "insert into pairs (k, v) values (?, ?) on conflict (k) do update set v = excluded.v")) {
            ddl.execute("create table if not exists pairs (k text primary key, v text not null)");
            insert.setString(1, key);
            insert.setString(2, value);
            insert.executeUpdate();
        }
    }

    @Override
    public Optional<String> read(Map<String, String> variables, String key) throws SQLException {
        try (Connection connection = connect(variables); PreparedStatement select = connection.prepareStatement(
                "select v from pairs where k = ?")) {
            select.setString(1, key);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
            }
        }
    }

    @Override
    public PostgresProvider provider() {
        return new PostgresProvider();
    }

    @Override
    public String tenantQuery() {
        return "select current_user";
    }

    @Override
    public void assertTooManyConnections(SQLException refused, Map<String, String> variables) {
        assertThat(refused.getMessage()).contains("too many connections for role \"" + variables.get("PGUSER") + "\"");
        assertThat(refused.getSQLState()).isEqualTo(TOO_MANY_CONNECTIONS);
    }

    /** {@code rolconnlimit} -1: the role has no limit of its own. */
    @Override
    public void assertNoConnectionLimit(ServerAccess admin, Binding tenant) throws SQLException {
        try (Connection connection = PostgresAdmin.connect(admin, PostgresAdmin.MAINTENANCE_DATABASE);
                PreparedStatement select = connection.prepareStatement(
                        "select rolconnlimit from pg_catalog.pg_roles where rolname = ?")) {
            select.setString(1, tenant.require(PostgresCredentials.USER));
            try (ResultSet rs = select.executeQuery()) {
                assertThat(rs.next()).as("the role " + tenant.require(PostgresCredentials.USER)).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(-1);
            }
        }
    }

    @Override
    public int sharedConnectionsMax() {
        return 97;
    }

    @Override
    public Connection connect(Map<String, String> variables) throws SQLException {
        Properties login = new Properties();
        login.setProperty("user", variables.get("PGUSER"));
        login.setProperty("password", variables.get("PGPASSWORD"));
        login.setProperty("connectTimeout", "5");
        return DriverManager.getConnection("jdbc:postgresql://" + variables.get("PGHOST") + ":"
                + variables.get("PGPORT") + "/" + variables.get("PGDATABASE"), login);
    }
}
