package dev.addons.mysql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Connections made the way an app makes them, from its {@code MYSQL_*} variables alone, and short queries. */
final class AppConnections {

    private AppConnections() {
    }

    /** A Connector/J connection to {@code database} with the host, port, user and password in {@code vars}. */
    static Connection connect(Map<String, String> vars, String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", vars.get("MYSQL_USER"));
        properties.setProperty("password", vars.get("MYSQL_PASSWORD"));
        properties.setProperty("connectTimeout", "5000");
        return DriverManager.getConnection(
                "jdbc:mysql://" + vars.get("MYSQL_HOST") + ":" + vars.get("MYSQL_PORT") + "/" + database, properties);
    }

    /** The first column of the first row. */
    static String queryString(Statement sql, String query) throws SQLException {
        try (ResultSet rs = sql.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The first column of every row. */
    static List<String> queryAll(Statement sql, String query) throws SQLException {
        List<String> values = new ArrayList<>();
        try (ResultSet rs = sql.executeQuery(query)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
