package dev.addons.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.ProvisioningException;
import dev.addons.api.Variant;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.DataTemplate;
import dev.addons.api.spi.ProcessRecipe;
import dev.addons.api.spi.Secrets;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.api.spi.ServerRequest;
import dev.addons.core.Addons;
import dev.addons.core.FinalBackup;
import dev.addons.core.internal.process.ProcessRuntime;
import dev.addons.core.runtime.ProgressListener;
import dev.addons.core.runtime.RunningServer;
import dev.addons.core.runtime.RuntimeContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How the process runtime starts new servers from an engine's data template (see
 * {@link DataTemplate}), written once for every engine whose recipe offers one: an engine module
 * extends this class with a way to write and read a value as the admin. Each test works in a new
 * home on the real process runtime and destroys what it started; afterwards no process works
 * under the home and the home is deleted. Which step a start took is told by its progress steps.
 */
public abstract class TemplateScenarios {
    private static final String BUILDING = "building a template";
    private static final String COPYING = "copying the template";
    private static final String TAKING_SPARE = "taking a spare copy of the template";
    private static final String INITIALIZING = "initializing";

    private final AddonProvider provider;
    private final String version;
    private final List<ProcessRuntime> runtimes = Collections.synchronizedList(new ArrayList<>());
    private final List<Started> started = Collections.synchronizedList(new ArrayList<>());
    private Path home;

    protected TemplateScenarios(AddonProvider provider, String version) {
        this.provider = Objects.requireNonNull(provider, "provider == null");
        this.version = Objects.requireNonNull(version, "version == null");
    }

    /** As the admin, stores {@code value} where {@link #read} finds it. */
    protected abstract void write(ServerAccess admin, String value) throws SQLException;

    /** What {@link #write} stored on this server, empty when nothing was. */
    protected abstract Optional<String> read(ServerAccess admin) throws SQLException;

    /** Whether the server waits for the disk at each commit (the durable default). */
    protected abstract boolean syncsEachCommit(ServerAccess admin) throws SQLException;

    /** A started server with what it was started with and the progress steps of its start. */
    private record Started(ProcessRuntime runtime, RunningServer running, ServerDefinition definition,
            List<String> steps) {
        ServerAccess access() {
            return access(definition.adminPassword());
        }

        ServerAccess access(String password) {
            return new ServerAccess(running.serverId(), running.endpoint(), definition.adminUser(), password,
                    running.extraEndpoints());
        }

        boolean took(String step) {
            return steps.stream().anyMatch(message -> message.startsWith(step));
        }
    }

    @BeforeEach
    void newHome() throws IOException {
        home = Files.createTempDirectory("addons-templates-");
    }

    @AfterEach
    void destroyEverything() throws IOException {
        try {
            for (Started server : started) {
                server.runtime().destroy(server.running());
            }
            assertThat(ServerProcesses.under(home)).as("processes left under the home").isEmpty();
        } finally {
            runtimes.forEach(ProcessRuntime::close);
            TestFiles.deleteRecursively(home);
        }
    }

    @Test
    void theFirstServerBuildsTheTemplateAndTheNextIsACopyOfIt() throws Exception {
        Started first = start("first", definition(false));
        Started second = start("second", definition(false));

        assertThat(first.took(BUILDING)).as("first start's steps %s", first.steps()).isTrue();
        assertThat(second.took(COPYING)).as("second start's steps %s", second.steps()).isTrue();
        assertThat(second.took(BUILDING) || second.took(INITIALIZING)).as("second start's steps %s",
                second.steps()).isFalse();
        assertThat(templates()).hasSize(1);
        Path template = templates().get(0);
        assertThat(Files.getPosixFilePermissions(template)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(template.resolve("password")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        second.definition().readiness().check(second.access());
    }

    @Test
    void eachServerHasItsOwnAdminPasswordAndTheTemplatePasswordLogsInToNone() throws Exception {
        Started first = start("first", definition(false));
        Started second = start("second", definition(false));
        String templatePassword = Files.readString(templates().get(0).resolve("password"), StandardCharsets.UTF_8);

        assertThat(first.definition().adminPassword()).isNotEqualTo(second.definition().adminPassword())
                .isNotEqualTo(templatePassword);
        first.definition().readiness().check(first.access());
        second.definition().readiness().check(second.access());
        for (Started server : List.of(first, second)) {
            assertThatThrownBy(() -> server.definition().readiness().check(server.access(templatePassword)))
                    .as("the template password on %s", server.running().serverId()).isInstanceOf(SQLException.class);
        }
        assertThatThrownBy(() -> second.definition().readiness().check(
                second.access(first.definition().adminPassword()))).isInstanceOf(SQLException.class);
    }

    @Test
    void dataWrittenToOneServerIsNeitherInTheTemplateNorInAnother() throws Exception {
        Started first = start("first", definition(false));
        Started second = start("second", definition(false));

        write(first.access(), "only-in-first");
        Started third = start("third", definition(false));

        assertThat(read(first.access())).contains("only-in-first");
        assertThat(read(second.access())).isEmpty();
        assertThat(read(third.access())).isEmpty();
        assertThat(third.took(COPYING)).isTrue();
    }

    @Test
    void aSpareCopyMadeAheadIsTakenWithItsOwnPasswordAndNoOtherServersData() throws Exception {
        ProcessRuntime runtime = runtime(1);
        Started first = start(runtime, "first", definition(false));
        write(first.access(), "only-in-first");
        awaitReadySpare();
        Started second = start(runtime, "second", definition(false));
        awaitReadySpare();
        Started third = start(runtime, "third", definition(true));

        for (Started server : List.of(second, third)) {
            assertThat(server.took(TAKING_SPARE) && !server.took(COPYING) && !server.took(INITIALIZING))
                    .as("steps %s", server.steps()).isTrue();
            assertThat(read(server.access())).isEmpty();
        }
        assertThat(read(first.access())).contains("only-in-first");
        String templatePassword = Files.readString(templates().get(0).resolve("password"), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> second.definition().readiness().check(second.access(templatePassword)))
                .isInstanceOf(SQLException.class);
        assertThat(syncsEachCommit(second.access())).isTrue();
        assertThat(syncsEachCommit(third.access())).isFalse();
    }

    /** Waits (up to two minutes) until the template has a ready spare copy. */
    private void awaitReadySpare() throws IOException, InterruptedException {
        Path spares = templates().get(0).resolve("spares");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (true) {
            if (Files.isDirectory(spares)) {
                try (Stream<Path> listed = Files.list(spares)) {
                    if (listed.anyMatch(path -> !path.getFileName().toString().startsWith("."))) {
                        return;
                    }
                }
            }
            assertThat(System.nanoTime()).as("a spare in %s by the deadline", spares).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void aTemplateWithoutItsMarkerIsRebuiltAndNeverCopied() throws Exception {
        start("first", definition(false));
        Path template = templates().get(0);
        Files.delete(template.resolve("complete"));
        // What a half-made template could look like: had it been copied, the server could not start.
        try (Stream<Path> files = Files.list(template.resolve("data"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.writeString(file, "torn");
            }
        }

        Started second = start("second", definition(false));

        assertThat(second.took(BUILDING)).as("steps %s", second.steps()).isTrue();
        assertThat(Files.exists(template.resolve("complete"))).isTrue();
        second.definition().readiness().check(second.access());
        write(second.access(), "works");
        assertThat(read(second.access())).contains("works");
    }

    @Test
    void twoFirstStartsAtOnceBuildOneTemplateAndBothSucceed() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            // Two runtimes on one home, as two JVMs would have: the lock holds across both.
            Future<Started> one = threads.submit(() -> start("one", definition(false)));
            Future<Started> two = threads.submit(() -> start("two", definition(false)));
            List<Started> both = List.of(one.get(5, TimeUnit.MINUTES), two.get(5, TimeUnit.MINUTES));

            assertThat(both.stream().filter(server -> server.took(BUILDING)).count()).isEqualTo(1);
            assertThat(both).allMatch(server -> server.took(COPYING));
            for (Started server : both) {
                server.definition().readiness().check(server.access());
            }
            assertThat(templates()).hasSize(1);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aNewHomeOnTheSameCacheStartsOnTheTemplateAnotherHomeBuilt() throws Exception {
        start("first", definition(false));
        BasicFileAttributes built = Files.readAttributes(templates().get(0).resolve("complete"),
                BasicFileAttributes.class);
        // A second home, as a new test run's: the cache is the only thing it shares with the first.
        ProcessRuntime newHome = new ProcessRuntime(home.resolve("new-home"), home.resolve("cache"), 0);
        runtimes.add(newHome);

        Started second = start(newHome, "second", definition(false));

        assertThat(second.took(COPYING) && !second.took(BUILDING) && !second.took(INITIALIZING))
                .as("steps %s", second.steps()).isTrue();
        BasicFileAttributes after = Files.readAttributes(templates().get(0).resolve("complete"),
                BasicFileAttributes.class);
        assertThat(after.fileKey()).as("the template's marker, not written again").isEqualTo(built.fileKey());
        assertThat(after.lastModifiedTime()).isEqualTo(built.lastModifiedTime());
        assertThat(templates()).hasSize(1);
        second.definition().readiness().check(second.access());
        String templatePassword = Files.readString(templates().get(0).resolve("password"), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> second.definition().readiness().check(second.access(templatePassword)))
                .isInstanceOf(SQLException.class);
    }

    @Test
    void twoJvmsCreatingTheFirstServersOfANewCacheAtOnceBuildOneTemplate() throws Exception {
        Path cache = home.resolve("cache");
        String addon = provider.descriptor().name();
        List<List<String>> outputs = OtherJvm.together(home, cache, List.of(
                List.of("create", "one", addon + ":" + Variant.DEFAULT, version),
                List.of("create", "two", addon + ":" + Variant.DEFAULT, version))).outputs();
        try {
            assertThat(outputs).allSatisfy(lines -> assertThat(lines).singleElement().asString()
                    .startsWith(addon + " ACTIVE"));
            assertThat(OtherJvm.stderrLines(home).stream().filter(line -> line.contains("Built the template")))
                    .as("the other JVMs' logs").hasSize(1);
            assertThat(templates()).hasSize(1);
            try (Stream<Path> leftovers = Files.list(cache.resolve("templates"))) {
                assertThat(leftovers.map(path -> path.getFileName().toString()))
                        .noneMatch(name -> name.startsWith(".") && name.contains(".build-"));
            }
        } finally {
            try (Addons addons = Addons.builder().home(home).cache(cache).runtime(ProcessRuntime.NAME)
                    .automaticBackups(false).build()) {
                for (String app : List.of("one", "two")) {
                    addons.app(app, "production").destroy(addon, FinalBackup.SKIP);
                }
            }
        }
    }

    @Test
    void aCommandThatExitsRightAfterItsStartLeavesASpareTheNextProcessTakes() throws Exception {
        Path cache = home.resolve("cache");
        String addon = provider.descriptor().name();
        // As bin/addons runs: the spare its start asked for is made by a copier that outlives it.
        OtherJvm.run(home, Map.of("ADDONS_CACHE", cache.toString(),
                "JAVA_TOOL_OPTIONS", "-D" + RuntimeContext.PROPERTY_PREFIX + ProcessRuntime.SHORT_LIVED_SETTING + "=true"),
                "create", "command", addon + ":" + Variant.DEFAULT, version);
        try {
            awaitReadySpare();
            Started next = start("next", definition(false));

            assertThat(next.took(TAKING_SPARE) && !next.took(COPYING) && !next.took(BUILDING))
                    .as("steps %s", next.steps()).isTrue();
            next.definition().readiness().check(next.access());
        } finally {
            try (Addons addons = Addons.builder().home(home).cache(cache).runtime(ProcessRuntime.NAME)
                    .automaticBackups(false).build()) {
                addons.app("command", "production").destroy(addon, FinalBackup.SKIP);
            }
        }
    }

    @Test
    void aFailureWhileGivingTheAdminItsPasswordLeavesNothingBehind() throws Exception {
        ServerDefinition definition = definition(false);
        ProcessRecipe recipe = definition.process();
        ServerDefinition failing = new ServerDefinition(definition.engine(), definition.version(),
                definition.adminUser(), definition.adminPassword(),
                recipe.toBuilder().rekey((context, access, password) -> {
                            throw new SQLException("refused for the test");
                        }).build(), definition.container(), definition.readiness(), definition.startTimeout());
        ProcessRuntime runtime = runtime(0);

        assertThatThrownBy(() -> runtime.start("failing", failing, ProgressListener.NONE))
                .isInstanceOf(ProvisioningException.class).hasMessageContaining("refused for the test")
                .hasMessageNotContaining(definition.adminPassword());

        assertThat(home.resolve("servers").resolve("failing")).doesNotExist();
        assertThat(ServerProcesses.under(home.resolve("servers"))).isEmpty();
        assertThat(templates()).hasSize(1); // The template is fine: the next start copies it.
        Started next = start("next", definition(false));
        assertThat(next.took(COPYING) && !next.took(BUILDING)).isTrue();
    }

    @Test
    void aThrowawayServerTradesDurabilityForSpeedAndADefaultOneDoesNot() throws Exception {
        Started durable = start("durable", definition(false));
        Started throwaway = start("throwaway", definition(true));

        assertThat(syncsEachCommit(durable.access())).isTrue();
        assertThat(syncsEachCommit(throwaway.access())).isFalse();
        assertThat(throwaway.took(COPYING)).as("one template serves both").isTrue();
    }

    @Test
    void clearingTheTemplatesMakesTheNextStartBuildAgain() throws Exception {
        ProcessRuntime runtime = runtime(0);
        start("first", definition(false));

        assertThat(runtime.clearTemplates()).isEqualTo(1);
        assertThat(templates()).isEmpty();
        Started second = start("second", definition(false));

        assertThat(second.took(BUILDING)).isTrue();
    }

    private ServerDefinition definition(boolean throwaway) {
        return provider.server(ServerRequest.builder(version).adminPassword(Secrets.password()).throwaway(throwaway)
                .build());
    }

    /** A runtime making {@code spares} copies ahead: none but where a test is about them, so that each start copies. */
    private ProcessRuntime runtime(int spares) {
        ProcessRuntime runtime = new ProcessRuntime(home, home.resolve("cache"), spares);
        runtimes.add(runtime);
        return runtime;
    }

    private Started start(String serverId, ServerDefinition definition) {
        return start(runtime(0), serverId, definition);
    }

    private Started start(ProcessRuntime runtime, String serverId, ServerDefinition definition) {
        List<String> steps = Collections.synchronizedList(new ArrayList<>());
        RunningServer running = runtime.start(serverId, definition, new ProgressListener() {
            @Override
            public void step(String subject, String message) {
                steps.add(message);
            }
        });
        Started server = new Started(runtime, running, definition, List.copyOf(steps));
        started.add(server);
        return server;
    }

    /** The complete templates in the home. */
    private List<Path> templates() throws IOException {
        Path root = home.resolve("cache").resolve("templates");
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> listed = Files.list(root)) {
            return listed.filter(Files::isDirectory).filter(path -> !path.getFileName().toString().startsWith("."))
                    .toList();
        }
    }
}
