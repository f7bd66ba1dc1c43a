package dev.addons.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.Credentials;
import dev.addons.core.Environment;
import dev.addons.core.PooledDataSource;
import dev.addons.junit.SharedServer.Keeper;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;
import redis.clients.jedis.Jedis;

/**
 * Injection, run by JUnit's {@link EngineTestKit} on a small test class (a {@code ...Case}, not
 * run on its own) against real PostgreSQL 15 and Valkey 7 servers on the process runtime,
 * connecting with pgjdbc and Jedis through nothing but what the extension injected.
 */
@ExtendWith(SharedServer.class)
class InjectionTest {
    private final Keeper keeper;

    InjectionTest(Keeper keeper) {
        this.keeper = keeper;
    }

    @AfterEach
    void nothingOfTheCaseIsLeft() throws SQLException {
        keeper.assertOnlyItsOwnLeft();
    }

    @Test
    void testsConnectToRealServersWithOnlyTheInjectedValues() {
        Keeper.assertPassed(keeper.run(InjectionCase.class), 5);
    }

    @WithAddons(runtime = "process", value = {
            @WithAddon(name = "postgresql", version = "15", variant = "shared"),
            @WithAddon(name = "valkey", version = "7")})
    static class InjectionCase {

        @Test
        void pgjdbcWithTheInjectedVariables(@AddonVariable("PGHOST") String host,
                @AddonVariable("PGPORT") String port, @AddonVariable("PGDATABASE") String database,
                @AddonVariable("PGUSER") String user, @AddonVariable("PGPASSWORD") String password)
                throws SQLException {
            try (Connection c = DriverManager.getConnection(
                    "jdbc:postgresql://" + host + ":" + port + "/" + database, user, password)) {
                assertThat(countAfterInserting(c, "pgjdbc", 3)).isEqualTo(3);
            }
        }

        @Test
        void aDataSourceOnTheSqlAddon(DataSource db) throws SQLException {
            try (Connection c = db.getConnection()) {
                assertThat(countAfterInserting(c, "datasource", 2)).isEqualTo(2);
            }
        }

        @Test
        void jedisWithTheInjectedUrl(@AddonVariable("REDIS_URL") String url) {
            try (Jedis jedis = new Jedis(URI.create(url))) {
                jedis.rpush("visits", "a", "b");
                assertThat(jedis.lrange("visits", 0, -1)).containsExactly("a", "b");
            }
        }

        @Test
        void theEnvironmentAndTheVariablesAgree(Environment environment, Credentials credentials,
                Map<String, String> variables) {
            assertThat(environment.name()).isEqualTo("test");
            assertThat(environment.variables()).isEqualTo(variables).isEqualTo(credentials.toMap());
            assertThat(variables).containsKeys("DATABASE_URL", "PGHOST", "REDIS_URL", "VALKEY_URL");
            assertThat(credentials.isSensitive("PGPASSWORD")).isTrue();
        }

        @Test
        void theEnvironmentBuildsAWorkingDataSource(Environment environment) throws Exception {
            try (PooledDataSource pool = environment.dataSource(); Connection c = pool.getConnection()) {
                assertThat(countAfterInserting(c, "environment", 1)).isEqualTo(1);
            }
        }
    }

    static int countAfterInserting(Connection c, String table, int rows) throws SQLException {
        try (Statement sql = c.createStatement()) {
            sql.execute("create table " + table + " (id serial primary key, at timestamptz default now())");
            for (int i = 0; i < rows; i++) {
                sql.execute("insert into " + table + " default values");
            }
            try (ResultSet rs = sql.executeQuery("select count(*) from " + table)) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
