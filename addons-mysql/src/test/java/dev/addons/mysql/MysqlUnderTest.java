package dev.addons.mysql;

import static dev.addons.mysql.AppConnections.queryString;
import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.Endpoint;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.ServerAccess;
import dev.addons.testkit.SqlEngineUnderTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * MySQL 8 for the shared scenarios: MariaDB 10.11 from Debian on the process runtime, the local
 * image honouring the official mysql image's contract on the container runtime, and an app that
 * keeps key-value pairs in a table of its database, connected with Connector/J from its
 * {@code MYSQL_*} variables alone.
 */
final class MysqlUnderTest implements SqlEngineUnderTest {
    /** MySQL's and MariaDB's error for an account past one of its resource limits. */
    private static final int USER_LIMIT_REACHED = 1226;

    @Override
    public String addon() {
        return "mysql";
    }

    @Override
    public String processVersion() {
        return "8";
    }

    @Override
    public String testImage() {
        return "localhost/addons-test/mysql:8";
    }

    @Override
    public List<String> variables() {
        return List.of("DATABASE_URL", "MYSQL_HOST", "MYSQL_PORT", "MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_DATABASE");
    }

    @Override
    public Endpoint endpoint(Map<String, String> variables) {
        return new Endpoint(variables.get("MYSQL_HOST"), Integer.parseInt(variables.get("MYSQL_PORT")));
    }

    @Override
    public void write(Map<String, String> variables, String key, String value) throws SQLException {
        try (Connection connection = connect(variables); Statement ddl = connection.createStatement();
                PreparedStatement insert = connection.prepareStatement(
                        "insert into pairs (k, v) values (?, ?) on duplicate key update v = values(v)")) {
            ddl.execute("create table if not exists pairs (k varchar(191) primary key, v text not null)");
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
    public MysqlProvider provider() {
        return new MysqlProvider();
    }

    @Override
    public String tenantQuery() {
        return "select database()";
    }

    @Override
    public void assertTooManyConnections(SQLException refused, Map<String, String> variables) {
        assertThat(refused.getMessage()).contains("max_user_connections");
        assertThat(refused.getErrorCode()).isEqualTo(USER_LIMIT_REACHED);
    }

    /** {@code max_user_connections} 0: the user has no limit of its own. */
    @Override
    public void assertNoConnectionLimit(ServerAccess admin, Binding tenant) throws SQLException {
        try (Connection connection = MysqlAdmin.connect(admin); Statement sql = connection.createStatement()) {
            assertThat(queryString(sql, "select max_user_connections from mysql.user where user = '"
                    + tenant.require(MysqlCredentials.USER) + "'")).isEqualTo("0");
        }
    }

    @Override
    public int sharedConnectionsMax() {
        return 150;
    }

    @Override
    public Connection connect(Map<String, String> variables) throws SQLException {
        return AppConnections.connect(variables, variables.get("MYSQL_DATABASE"));
    }
}
