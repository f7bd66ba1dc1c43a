package dev.addons.bench.junit;

import dev.addons.junit.AddonVariable;
import dev.addons.junit.WithAddon;
import dev.addons.junit.WithAddons;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The test class of the JUnit row: a copy of {@link Schema}'s database on a shared PostgreSQL 15
 * server and a Valkey 7, on the process runtime, one tiny query on each. {@link BaselineCase} is
 * the same class without its addons.
 */
@WithAddons(runtime = "process", template = Schema.class, value = {
    @WithAddon(name = "postgresql", version = "15", variant = "shared"),
    @WithAddon(name = "valkey", version = "7")})
class AddonsCase {

    @Test
    void readsTheTemplatesRow(DataSource db) throws SQLException {
        try (Connection c = db.getConnection(); Statement sql = c.createStatement();
                ResultSet rows = sql.executeQuery("select count(*) from orders")) {
            rows.next();
            Checks.equal(1L, rows.getLong(1));
        }
    }

    @Test
    void countsInValkey(@AddonVariable("REDIS_URL") String url) {
        try (Jedis jedis = new Jedis(URI.create(url))) {
            Checks.equal(1L, jedis.incr("visits"));
        }
    }
}
