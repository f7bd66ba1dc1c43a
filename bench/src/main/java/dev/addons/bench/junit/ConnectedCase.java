package dev.addons.bench.junit;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * {@link AddonsCase}'s two tests without the extension, against servers the harness made before
 * the JVM started and handed over in its environment ({@code PGHOST} ..., {@code REDIS_URL}), as a
 * test whose servers are already running connects and queries: the JVM does the tests' own work,
 * the connections and queries included, and nothing of the extension's.
 */
class ConnectedCase {

    @Test
    void readsTheTemplatesRow() throws SQLException {
        String url = "jdbc:postgresql://" + System.getenv("PGHOST") + ":" + System.getenv("PGPORT") + "/"
                + System.getenv("PGDATABASE");
        try (Connection c = DriverManager.getConnection(url, System.getenv("PGUSER"), System.getenv("PGPASSWORD"));
                Statement sql = c.createStatement(); ResultSet rows = sql.executeQuery("select count(*) from orders")) {
            rows.next();
            Checks.equal(1L, rows.getLong(1));
        }
    }

    @Test
    void countsInValkey() {
        try (Jedis jedis = new Jedis(URI.create(System.getenv("REDIS_URL")))) {
            Checks.equal(1L, jedis.incr("visits-" + UUID.randomUUID()));
        }
    }
}
