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
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
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
    void aFormerTemplateThatARunInAnotherJvmUsesIsLeftUntilNoRunUsesIt() throws Exception {
        Keeper.assertPassed(run(TemplateCase.class), 1);
        String former = records().get(0).app();
        fingerprint = "v2";
        Process other = holdInAnotherJvm(home.resolve("junit").resolve(former + ".inuse"));
        try {
            Keeper.assertPassed(run(TemplateCase.class), 1);

            // The other run may still copy from it: both templates are there, both active.
            assertThat(records()).hasSize(2).allSatisfy(r -> assertThat(r.status()).hasToString("ACTIVE"))
                    .extracting(AddonRecord::app).contains(former);
        } finally {
            other.destroy();
            other.waitFor(10, TimeUnit.SECONDS);
        }
        Keeper.assertPassed(run(TemplateCase.class), 1);

        assertThat(PREPARED).as("preparations").hasValue(2);
        assertThat(records()).singleElement().extracting(AddonRecord::app).isNotEqualTo(former);
        assertThat(home.resolve("junit").resolve(former + ".kept")).doesNotExist();
        assertThat(home.resolve("junit").resolve(former + ".inuse")).doesNotExist();
    }

    @Test
    void aKeptAppNoRunUsedForLongerThanMaxUnusedIsRemovedByTheNextRunAndEachUseCounts() throws Exception {
        Keeper.assertPassed(run(SharedCase.class), 1);
        Path record = keptRecord();
        Files.setLastModifiedTime(record, FileTime.from(Instant.now().minus(Duration.ofDays(6))));
        Keeper.assertPassed(run(SharedCase.class), 1);
        assertThat(Files.getLastModifiedTime(record).toInstant()).as("used by the second run")
                .isAfter(Instant.now().minus(Duration.ofMinutes(5)));
        assertThat(STARTS).as("the kept server, seen by both runs").hasSize(2).containsOnly(STARTS.get(0));

        Files.setLastModifiedTime(record, FileTime.from(Instant.now().minus(Duration.ofDays(8))));
        Keeper.assertPassed(run(SharedCase.class), 1);

        // Removed, with its server, before the third run kept a new one on a new server.
        assertThat(STARTS).hasSize(3).element(2).isNotEqualTo(STARTS.get(0));
        assertThat(records()).singleElement().extracting(AddonRecord::app).asString()
                .matches("t-keep-postgresql-[0-9a-f]{10}");
    }

    @Test
    void maxUnusedOffKeepsAnAppHoweverLongItWentUnused() throws Exception {
        Map<String, String> keepForGood = Map.of(RunState.HOME_PARAMETER, home.toString(), KeptApps.PARAMETER, "true",
                KeptApps.MAX_UNUSED_PARAMETER, "off");
        Keeper.assertPassed(Keeper.engine(keepForGood, SharedCase.class), 1);
        Files.setLastModifiedTime(keptRecord(), FileTime.from(Instant.now().minus(Duration.ofDays(400))));
        Keeper.assertPassed(Keeper.engine(keepForGood, SharedCase.class), 1);

        assertThat(STARTS).hasSize(2).containsOnly(STARTS.get(0));
    }

    @Test
    void aMaxUnusedThatIsNoDurationIsRefusedByName() {
        EngineExecutionResults results = Keeper.engine(Map.of(RunState.HOME_PARAMETER, home.toString(),
                KeptApps.PARAMETER, "true", KeptApps.MAX_UNUSED_PARAMETER, "soon"), SharedCase.class);

        assertThat(Keeper.classFailure(results)).isInstanceOf(ExtensionConfigurationException.class).hasMessage(
                "addons.junit.reuse.maxUnused=soon is not a duration: use a number and a unit, m, h, d or w (e.g. 12h,"
                        + " 7d), or off to keep unused apps for good");
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

    /** The one kept app's record. */
    private Path keptRecord() throws IOException {
        try (Stream<Path> records = Files.list(home.resolve("junit"))) {
            return records.filter(p -> p.getFileName().toString().endsWith(".kept")).findFirst().orElseThrow();
        }
    }

    /** A JVM that holds the shared lock a run of it would hold on {@code inUse}, until it is destroyed. */
    private static Process holdInAnotherJvm(Path inUse) throws IOException {
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HoldsInUse.class.getName(), inUse.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String line = new java.io.BufferedReader(new java.io.InputStreamReader(other.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8)).readLine();
        assertThat(line).as("the other JVM's lock").isEqualTo("held");
        return other;
    }

    /** The other JVM of {@link #holdInAnotherJvm}. */
    public static final class HoldsInUse {
        public static void main(String[] args) throws Exception {
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(Path.of(args[0]),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.READ,
                    java.nio.file.StandardOpenOption.WRITE);
                    java.nio.channels.FileLock lock = channel.lock(0, Long.MAX_VALUE, true)) {
                System.out.println("held");
                System.out.flush();
                Thread.currentThread().join();
            }
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
