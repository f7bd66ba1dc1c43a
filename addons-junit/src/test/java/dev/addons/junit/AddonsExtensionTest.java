package dev.addons.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.Credentials;
import dev.addons.core.Addons;
import dev.addons.core.Environment;
import dev.addons.testkit.ServerProcesses;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import redis.clients.jedis.Jedis;

/**
 * The extension, run by JUnit's {@link EngineTestKit} on small test classes ({@code ...Case}, not
 * run on their own) against real PostgreSQL 15 and Valkey 7 servers on the process runtime.
 *
 * <p>To keep the time down, every run shares one home, whose shared PostgreSQL server is kept up
 * by an app of this test's own ({@code keeper}): each case class then costs a database and a role
 * on it, and a Valkey server of its own, which starts in milliseconds.
 */
class AddonsExtensionTest {
    private static final String KEEPER = "keeper";

    @TempDir
    static Path home;
    static Addons keeper;

    @BeforeAll
    static void startTheSharedServer() {
        keeper = Addons.builder().home(home).runtime("process").automaticBackups(false).build();
        keeper.create(KEEPER, AddonSet.ENVIRONMENT, new AddonSpec("postgresql", "shared", "15"));
    }

    @AfterAll
    static void stopTheSharedServer() throws Exception {
        try {
            keeper.destroy(KEEPER, AddonSet.ENVIRONMENT, "postgresql");
        } finally {
            keeper.close();
        }
        assertThat(ServerProcesses.under(home)).as("server processes of " + home).isEmpty();
    }

    @AfterEach
    void everyCaseLeavesOnlyTheKeeper() throws SQLException {
        assertThat(keeper.listAll()).extracting(AddonRecord::app).containsOnly(KEEPER);
        assertThat(databasesOfCases()).as("databases left on the shared server").isEmpty();
    }

    @Nested
    class Injection {

        @Test
        void testsConnectToRealServersWithOnlyTheInjectedValues() {
            assertPassed(run(InjectionCase.class), 5);
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
                DataSource pool = environment.dataSource();
                try (Connection c = pool.getConnection()) {
                    assertThat(countAfterInserting(c, "environment", 1)).isEqualTo(1);
                } finally {
                    ((AutoCloseable) pool).close();
                }
            }
        }
    }

    private static int countAfterInserting(Connection c, String table, int rows) throws SQLException {
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

    static EngineExecutionResults run(Class<?>... cases) {
        return run(Map.of(), cases);
    }

    static EngineExecutionResults run(Map<String, String> parameters, Class<?>... cases) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put(RunState.HOME_PARAMETER, home.toString());
        all.putAll(parameters);
        return EngineTestKit.engine("junit-jupiter").configurationParameters(all)
                .selectors(Arrays.stream(cases).map(DiscoverySelectors::selectClass)
                        .toArray(org.junit.platform.engine.DiscoverySelector[]::new))
                .execute();
    }

    /** Fails with the cases' own failures as causes, so that a report shows what went wrong in them. */
    static void assertPassed(EngineExecutionResults results, int tests) {
        List<Throwable> failures = new ArrayList<>();
        results.allEvents().failed().stream()
                .map(e -> e.getRequiredPayload(TestExecutionResult.class).getThrowable())
                .forEach(t -> t.ifPresent(failures::add));
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError(failures.size() + " failure(s) in the cases", failures.get(0));
            failures.stream().skip(1).forEach(error::addSuppressed);
            throw error;
        }
        results.testEvents().assertStatistics(s -> s.succeeded(tests).failed(0).aborted(0).skipped(0));
    }

    /** The databases on the shared server other than the keeper's and the server's own. */
    static List<String> databasesOfCases() throws SQLException {
        Map<String, String> vars = keeper.credentials(KEEPER, AddonSet.ENVIRONMENT, "postgresql").toMap();
        List<String> names = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + vars.get("PGHOST") + ":"
                        + vars.get("PGPORT") + "/" + vars.get("PGDATABASE"), vars.get("PGUSER"), vars.get("PGPASSWORD"));
                Statement sql = c.createStatement();
                ResultSet rs = sql.executeQuery("select datname from pg_database where datname not in"
                        + " ('postgres', 'template0', 'template1', '" + vars.get("PGDATABASE") + "')")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }
}
