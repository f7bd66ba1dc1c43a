package dev.addons.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.core.Addons;
import dev.addons.testkit.ServerProcesses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Injects the {@link Keeper}: one addons home for every test of this module's run, whose shared
 * PostgreSQL 15 server an app of its own ({@code keeper}) keeps up, so that each case class run
 * through {@link EngineTestKit} costs a database and a role on it rather than a server start.
 * The keeper is destroyed, and its home deleted, when the run ends.
 */
final class SharedServer implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Keeper.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.create(SharedServer.class))
                .getOrComputeIfAbsent(Keeper.class, k -> Keeper.start(), Keeper.class);
    }

    /** The shared home and server; runs case classes in it. */
    static final class Keeper implements AutoCloseable {
        static final String APP = "keeper";
        private final Path home;
        private final Addons addons;

        private Keeper(Path home, Addons addons) {
            this.home = home;
            this.addons = addons;
        }

        static Keeper start() {
            try {
                Path home = Files.createTempDirectory("addons-junit-test-");
                Addons addons = Addons.builder().home(home).runtime("process").automaticBackups(false).build();
                addons.app(APP, AddonSet.ENVIRONMENT).create(new AddonSpec("postgresql", "shared", "15"));
                return new Keeper(home, addons);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Path home() {
            return home;
        }

        Addons addons() {
            return addons;
        }

        /** Runs {@code cases} in the shared home with the extension. */
        EngineExecutionResults run(Class<?>... cases) {
            return run(Map.of(), cases);
        }

        /** Runs {@code cases} with extra configuration parameters; the home, unless they name another. */
        EngineExecutionResults run(Map<String, String> parameters, Class<?>... cases) {
            Map<String, String> all = new LinkedHashMap<>();
            all.put(RunState.HOME_PARAMETER, home.toString());
            all.putAll(parameters);
            return engine(all, cases);
        }

        /** Runs {@code cases} with the extension and these configuration parameters only. */
        static EngineExecutionResults engine(Map<String, String> parameters, Class<?>... cases) {
            return EngineTestKit.engine("junit-jupiter").configurationParameters(parameters)
                    .selectors(Arrays.stream(cases).map(DiscoverySelectors::selectClass).toArray(DiscoverySelector[]::new))
                    .execute();
        }

        /** What the first case class that failed threw (its container's failure). */
        static Throwable classFailure(EngineExecutionResults results) {
            return results.containerEvents().failed().stream()
                    .map(e -> e.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow())
                    .findFirst().orElseThrow(() -> new AssertionError("no class failed"));
        }

        /** Fails with the cases' own failures as causes, so that a report shows what went wrong in them. */
        static void assertPassed(EngineExecutionResults results, int tests) {
            List<Throwable> failures = new ArrayList<>();
            results.allEvents().failed().stream()
                    .map(e -> e.getRequiredPayload(TestExecutionResult.class).getThrowable())
                    .forEach(t -> t.ifPresent(failures::add));
            if (!failures.isEmpty()) {
                AssertionError error = new AssertionError(failures.size() + " failure(s) in the cases",
                        failures.get(0));
                failures.stream().skip(1).forEach(error::addSuppressed);
                throw error;
            }
            results.testEvents().assertStatistics(s -> s.succeeded(tests).failed(0).aborted(0).skipped(0));
        }

        /** No addon but the keeper's in the home, and no database but its own on the shared server. */
        void assertOnlyItsOwnLeft() throws SQLException {
            assertThat(addons.listAll()).extracting(AddonRecord::app).containsOnly(APP);
            assertThat(databasesOfOthers()).as("databases left on the shared server").isEmpty();
        }

        /** The databases on the shared server other than the keeper's and the server's own. */
        List<String> databasesOfOthers() throws SQLException {
            Map<String, String> vars = addons.app(APP, AddonSet.ENVIRONMENT).credentials("postgresql").toMap();
            List<String> names = new ArrayList<>();
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + vars.get("PGHOST") + ":"
                            + vars.get("PGPORT") + "/" + vars.get("PGDATABASE"), vars.get("PGUSER"),
                            vars.get("PGPASSWORD"));
                    Statement sql = c.createStatement();
                    ResultSet rs = sql.executeQuery("select datname from pg_database where datname not in"
                            + " ('postgres', 'template0', 'template1', '" + vars.get("PGDATABASE") + "')")) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        }

        @Override
        public void close() throws IOException {
            try {
                addons.app(APP, AddonSet.ENVIRONMENT).destroy("postgresql");
            } finally {
                addons.close();
            }
            assertThat(ServerProcesses.under(home)).as("server processes of " + home).isEmpty();
            try (Stream<Path> all = Files.walk(home)) {
                for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
