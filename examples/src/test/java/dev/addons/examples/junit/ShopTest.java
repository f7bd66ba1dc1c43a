package dev.addons.examples.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.junit.AddonVariable;
import dev.addons.junit.WithAddon;
import dev.addons.junit.WithAddons;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A test class that asks for its backing services by annotation: a database of its own on the
 * shared PostgreSQL 15 server and a dedicated Valkey, provisioned before its first test and
 * destroyed after its last, whatever the outcome. Run it with
 * {@code mvn -pl examples -am test -Dtest=ShopTest -Dsurefire.failIfNoSpecifiedTests=false}
 * (with {@code -Daddons.junit.runtime=process} where a Docker API answers but you want local
 * engines).
 */
@WithAddons({
    @WithAddon(name = "postgresql", version = "15", variant = "shared"),
    @WithAddon(name = "valkey", version = "7")})
class ShopTest {

    @BeforeAll
    static void createTheSchema(DataSource db) throws SQLException {
        try (Connection connection = db.getConnection(); Statement sql = connection.createStatement()) {
            sql.execute("create table orders (id serial primary key, item text not null)");
        }
    }

    @Test
    void storesOrdersInItsOwnDatabase(DataSource db) throws SQLException {
        try (Connection connection = db.getConnection(); Statement sql = connection.createStatement()) {
            sql.executeUpdate("insert into orders (item) values ('tea'), ('cake')");
            try (ResultSet rows = sql.executeQuery("select count(*), current_database() from orders")) {
                rows.next();
                assertThat(rows.getInt(1)).isEqualTo(2);
                assertThat(rows.getString(2)).as("a database of this class's app").startsWith("t_");
            }
        }
    }

    @Test
    void countsVisitsInValkey(@AddonVariable("REDIS_URL") String url) {
        try (Jedis jedis = new Jedis(URI.create(url))) {
            assertThat(jedis.incr("visits")).isEqualTo(1);
            assertThat(jedis.incr("visits")).isEqualTo(2);
        }
    }
}
