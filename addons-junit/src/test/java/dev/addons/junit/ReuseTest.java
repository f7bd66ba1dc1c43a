package dev.addons.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.AddonException;
import dev.addons.api.AddonRecord;
import dev.addons.core.Addons;
import dev.addons.core.Environment;
import dev.addons.core.FinalBackup;
import dev.addons.junit.SharedServer.Keeper;
import dev.addons.testkit.ServerProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * {@code addons.junit.reuse=true}: runs in a row (each an {@link EngineTestKit} run, with its own
 * run state, as a new JVM has) keep the prepared template and the shared servers, and a later run
 * copies from them instead of starting a server and preparing again. Each test has a home of its
 * own, emptied and deleted after it.
 */
class ReuseTest {
    static final AtomicInteger PREPARED = new AtomicInteger();
    static volatile String fingerprint = "v1";
    static final List<String> STARTS = new CopyOnWriteArrayList<>();

    private Path home;

    @BeforeEach
    void newHome() throws IOException {
        PREPARED.set(0);
        fingerprint = "v1";
        STARTS.clear();
        home = Files.createTempDirectory("addons-junit-reuse-");
    }

    @AfterEach
    void removeWhatWasKept() throws IOException {
        try (Addons addons = Addons.builder().home(home).runtime("process").automaticBackups(false).build()) {
            for (AddonRecord r : addons.listAll()) {
                addons.app(r.app(), r.environment()).destroy(r.addon(), FinalBackup.SKIP);
            }
        }
        assertThat(ServerProcesses.under(home)).as("server processes of " + home).isEmpty();
        try (Stream<Path> all = Files.walk(home)) {
            for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Test
    void aLaterRunCopiesFromTheKeptTemplateOnTheSameRunningServer() throws Exception {
        Keeper.assertPassed(run(TemplateCase.class), 1);
        List<AddonRecord> kept = records();
        Keeper.assertPassed(run(TemplateCase.class), 1);

        assertThat(PREPARED).as("preparations").hasValue(1);
        assertThat(kept).singleElement().satisfies(r -> {
            assertThat(r.app()).matches("t-orders-[0-9a-f]{10}");
            assertThat(r.addon()).isEqualTo("postgresql");
        });
        assertThat(records()).as("what the second run left").isEqualTo(kept);
        assertThat(STARTS).as("the shared server's start time, seen by each run").hasSize(2)
                .containsOnly(STARTS.get(0));
        assertThat(ServerProcesses.under(home)).as("the kept shared server's processes").isNotEmpty();
    }

    @Test
    void runsAtOnceOnOneHomeTakeTurnsToMakeTheTemplateThenCopyFromIt() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<EngineExecutionResults> one = threads.submit(() -> run(TemplateCase.class));
            Future<EngineExecutionResults> two = threads.submit(() -> run(TemplateCase.class));
            Keeper.assertPassed(one.get(), 1);
            Keeper.assertPassed(two.get(), 1);
        } finally {
            threads.shutdownNow();
        }

        assertThat(PREPARED).as("preparations").hasValue(1);
        assertThat(records()).singleElement().extracting(AddonRecord::app).asString()
                .matches("t-orders-[0-9a-f]{10}");
        assertThat(STARTS).hasSize(2).containsOnly(STARTS.get(0));
    }

    @Test
    void aSharedServerWithoutATemplateIsKeptByAnAppOfItsOwn() throws Exception {
        Keeper.assertPassed(run(SharedCase.class), 1);
        Keeper.assertPassed(run(SharedCase.class), 1);

        assertThat(records()).singleElement().satisfies(r -> {
            assertThat(r.app()).matches("t-keep-postgresql-[0-9a-f]{10}");
            assertThat(r.variant()).isEqualTo("shared");
        });
        assertThat(STARTS).hasSize(2).containsOnly(STARTS.get(0));
    }

    @Test
    void aChangedFingerprintPreparesAgainAndRemovesTheFormerTemplate() throws Exception {
        Keeper.assertPassed(run(TemplateCase.class), 1);
        String former = records().get(0).app();
        fingerprint = "v2";
        Keeper.assertPassed(run(TemplateCase.class), 1);

        assertThat(PREPARED).hasValue(2);
        assertThat(records()).singleElement().extracting(AddonRecord::app).isNotEqualTo(former)
                .asString().matches("t-orders-[0-9a-f]{10}");
        try (Stream<Path> records = Files.list(home.resolve("junit"))) {
            assertThat(records.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".kept")))
                    .singleElement().isNotEqualTo(former + ".kept");
        }
    }

    @Test
    void aKeptTemplateWhoseServerDiedIsMadeAgain() throws Exception {
        Keeper.assertPassed(run(TemplateCase.class), 1);
        for (long pid : ServerProcesses.under(home)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        awaitNoProcesses();
        Keeper.assertPassed(run(TemplateCase.class), 1);

        assertThat(PREPARED).hasValue(2);
        assertThat(records()).singleElement().extracting(AddonRecord::status).hasToString("ACTIVE");
    }

    @Test
    void aPreparationThatFailsKeepsNothing() throws Exception {
        Throwable failure = Keeper.classFailure(run(FailingCase.class));

        assertThat(failure).isInstanceOf(AddonException.class)
                .hasMessageStartingWith(Broken.class.getName() + ".prepare failed on the template t-broken-");
        assertThat(records()).isEmpty();
        awaitNoProcesses();
        try (Stream<Path> left = Files.list(home.resolve("junit"))) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".kept"));
        }
    }

    @Test
    void aValueThatIsNotABooleanIsRefusedByName() {
        EngineExecutionResults results = Keeper.engine(Map.of(RunState.HOME_PARAMETER, home.toString(),
                KeptApps.PARAMETER, "yes"), SharedCase.class);

        assertThat(Keeper.classFailure(results)).isInstanceOf(ExtensionConfigurationException.class).hasMessage(
                "addons.junit.reuse=yes is not a boolean: use true (keep templates and shared servers for later"
                        + " runs) or false (the default)");
    }

    @Test
    void aHomeThatCannotBeMadeIsNamedWithTheParameterThatNamedIt() throws IOException {
        Path file = Files.writeString(home.resolve("a-file"), "not a directory");

        Throwable failure = Keeper.classFailure(Keeper.engine(Map.of(RunState.HOME_PARAMETER,
                file.resolve("home").toString(), KeptApps.PARAMETER, "true"), SharedCase.class));

        assertThat(failure).isInstanceOf(java.io.UncheckedIOException.class).hasMessage(
                "Cannot create the addons home for tests at addons.junit.home=" + file.resolve("home"));
    }

    private EngineExecutionResults run(Class<?> testClass) {
        return Keeper.engine(Map.of(RunState.HOME_PARAMETER, home.toString(), KeptApps.PARAMETER, "true"),
                testClass);
    }

    private List<AddonRecord> records() {
        try (Addons addons = Addons.builder().home(home).runtime("process").automaticBackups(false).build()) {
            return new ArrayList<>(addons.listAll());
        }
    }

    /** Waits for the exit of every process working in the home, 10 s at most, and checks none is left. */
    private void awaitNoProcesses() throws IOException, InterruptedException, ExecutionException {
        for (long pid : ServerProcesses.under(home)) {
            Optional<ProcessHandle> process = ProcessHandle.of(pid);
            if (process.isPresent()) {
                try {
                    process.get().onExit().get(10, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    break; // reported below
                }
            }
        }
        assertThat(ServerProcesses.under(home)).isEmpty();
    }

    /** The server's start time, as the test sees it through its own database. */
    static void sawServerStart(DataSource db) throws SQLException {
        try (Connection c = db.getConnection(); Statement sql = c.createStatement();
                ResultSet rs = sql.executeQuery("select pg_postmaster_start_time()::text")) {
            rs.next();
            STARTS.add(rs.getString(1));
        }
    }

    /** An orders table with one row; its fingerprint is {@link #fingerprint}. */
    public static final class Orders implements AddonTemplate {
        @Override
        public void prepare(Environment environment) throws Exception {
            PREPARED.incrementAndGet();
            TemplateTest.createOrders(environment, "tea");
        }

        @Override
        public String fingerprint() {
            return fingerprint;
        }
    }

    /** A preparation that fails. */
    public static final class Broken implements AddonTemplate {
        @Override
        public void prepare(Environment environment) {
            throw new IllegalStateException("no orders");
        }
    }

    @WithAddons(runtime = "process", template = Orders.class, value = {
        @WithAddon(name = "postgresql", version = "15", variant = "shared"),
        @WithAddon(name = "valkey", version = "7")})
    static class TemplateCase {
        @Test
        void seesOnlyTheTemplatesRowAndItsOwn(DataSource db) throws SQLException {
            sawServerStart(db);
            assertThat(TemplateTest.orderAndList(db, "mine")).containsExactly("tea", "mine");
        }
    }

    @WithAddons(runtime = "process", value = @WithAddon(name = "postgresql", version = "15", variant = "shared"))
    static class SharedCase {
        @Test
        void startsEmpty(DataSource db) throws SQLException {
            sawServerStart(db);
            try (Connection c = db.getConnection(); Statement sql = c.createStatement()) {
                sql.execute("create table notes (body text)");
            }
        }
    }

    @WithAddons(runtime = "process", template = Broken.class,
            value = @WithAddon(name = "postgresql", version = "15", variant = "shared"))
    static class FailingCase {
        @Test
        void test() {
        }
    }
}
