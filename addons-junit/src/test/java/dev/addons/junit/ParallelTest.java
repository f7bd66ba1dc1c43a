package dev.addons.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.junit.SharedServer.Keeper;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

/**
 * Classes running at the same time under JUnit's parallel execution: each class's tests wait at a
 * barrier for the other's, so both classes' addons are in use at once. Per class they are apart;
 * per run they are provisioned once.
 */
@ExtendWith(SharedServer.class)
class ParallelTest {
    private static final Map<String, String> PARALLEL = Map.of(
            "junit.jupiter.execution.parallel.enabled", "true",
            "junit.jupiter.execution.parallel.mode.default", "same_thread",
            "junit.jupiter.execution.parallel.mode.classes.default", "concurrent",
            "junit.jupiter.execution.parallel.config.strategy", "fixed",
            "junit.jupiter.execution.parallel.config.fixed.parallelism", "4");
    static final Map<String, String> DATABASES = new ConcurrentHashMap<>();
    static CyclicBarrier bothRunning;

    private final Keeper keeper;

    ParallelTest(Keeper keeper) {
        this.keeper = keeper;
    }

    @BeforeEach
    void forgetEarlierRuns() {
        DATABASES.clear();
        bothRunning = new CyclicBarrier(2);
    }

    @AfterEach
    void nothingOfTheCasesIsLeft() throws SQLException {
        keeper.assertOnlyItsOwnLeft();
    }

    @Test
    void concurrentClassesGetAddonsOfTheirOwn() {
        Keeper.assertPassed(keeper.run(PARALLEL, LeftCase.class, RightCase.class), 2);

        assertThat(DATABASES.get("left")).isNotEqualTo(DATABASES.get("right"));
    }

    @Test
    void concurrentClassesShareOneRunScopeProvisionedOnce() {
        Keeper.assertPassed(keeper.run(PARALLEL, LeftRunCase.class, RightRunCase.class), 2);

        assertThat(DATABASES.get("left")).isEqualTo(DATABASES.get("right"));
    }

    /** Waits for the other class, then writes and reads back its own name in both servers. */
    static void useTogether(String who, DataSource db, String database, String valkey, String table)
            throws Exception {
        DATABASES.put(who, database);
        bothRunning.await(2, TimeUnit.MINUTES); // a guard against a hang, not a measurement
        try (Connection c = db.getConnection(); Statement sql = c.createStatement()) {
            sql.execute("create table " + table + " (who text)");
            sql.execute("insert into " + table + " values ('" + who + "')");
            List<String> rows = new ArrayList<>();
            try (ResultSet rs = sql.executeQuery("select who from " + table)) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
            assertThat(rows).containsExactly(who);
        }
        try (Jedis jedis = new Jedis(URI.create(valkey))) {
            jedis.rpush(table, who);
            assertThat(jedis.lrange(table, 0, -1)).containsExactly(who);
        }
        bothRunning.await(2, TimeUnit.MINUTES);
    }

    @WithAddons(runtime = "process", value = {
            @WithAddon(name = "postgresql", version = "15", variant = "shared"),
            @WithAddon(name = "valkey", version = "7")})
    static class LeftCase {
        @Test
        void test(DataSource db, @AddonVariable("PGDATABASE") String database,
                @AddonVariable("VALKEY_URL") String valkey) throws Exception {
            useTogether("left", db, database, valkey, "visits");
        }
    }

    @WithAddons(runtime = "process", value = {
            @WithAddon(name = "postgresql", version = "15", variant = "shared"),
            @WithAddon(name = "valkey", version = "7")})
    static class RightCase {
        @Test
        void test(DataSource db, @AddonVariable("PGDATABASE") String database,
                @AddonVariable("VALKEY_URL") String valkey) throws Exception {
            useTogether("right", db, database, valkey, "visits");
        }
    }

    @WithAddons(runtime = "process", scope = Scope.RUN, value = {
            @WithAddon(name = "postgresql", version = "15", variant = "shared"),
            @WithAddon(name = "valkey", version = "7")})
    static class LeftRunCase {
        @Test
        void test(DataSource db, @AddonVariable("PGDATABASE") String database,
                @AddonVariable("VALKEY_URL") String valkey) throws Exception {
            useTogether("left", db, database, valkey, "left_visits");
        }
    }

    @WithAddons(runtime = "process", scope = Scope.RUN, value = {
            @WithAddon(name = "postgresql", version = "15", variant = "shared"),
            @WithAddon(name = "valkey", version = "7")})
    static class RightRunCase {
        @Test
        void test(DataSource db, @AddonVariable("PGDATABASE") String database,
                @AddonVariable("VALKEY_URL") String valkey) throws Exception {
            useTogether("right", db, database, valkey, "right_visits");
        }
    }
}
