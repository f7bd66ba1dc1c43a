package dev.addons.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.InvalidSpecException;
import dev.addons.api.ProvisioningException;

import dev.addons.api.spi.BinaryDistribution;
import dev.addons.api.spi.ContainerRecipe;
import dev.addons.api.spi.DataTemplate;
import dev.addons.api.spi.ProcessRecipe;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.core.runtime.ProgressListener;
import dev.addons.core.runtime.RuntimeContext;
import dev.addons.core.runtime.RunningServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Templates with a fake engine ({@code sh} copied into the test's directory, so that the test can
 * "upgrade" it): built once, copied with their file modes, personalized with the template
 * password, and never used for other binaries. The real engines' scenarios are in their modules.
 */
class DataTemplatesTest {
    @TempDir
    Path home;
    @TempDir
    Path bin;

    private final List<RunningServer> started = new ArrayList<>();
    private final List<String> personalized = new ArrayList<>();
    private DataTemplate.Initializer initializer = (context, password) -> {
        Files.writeString(context.dataDirectory().resolve("made-by"), "the template's initializer");
        Path script = Files.writeString(context.dataDirectory().resolve("script"), "exec sleep 60\n");
        Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    };

    @AfterEach
    void destroyWhatTheTestStarted() {
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            started.forEach(runtime::destroy);
        }
    }

    @Test
    void aTemplateIsBuiltOnceCopiedWithItsModesAndPersonalizedWithTheTemplatePassword() throws Exception {
        installEngine();
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            RunningServer first = start(runtime, "first", "first-password");
            RunningServer second = start(runtime, "second", "second-password");

            assertThat(runtime.templates().builds()).isEqualTo(1);
            Path data = Path.of(second.attribute(ProcessRuntime.DIRECTORY)).resolve("data");
            assertThat(Files.readString(data.resolve("made-by"))).isEqualTo("the template's initializer");
            assertThat(Files.isExecutable(data.resolve("script"))).isTrue();
            String templatePassword = Files.readString(onlyTemplate().resolve("password"));
            assertThat(personalized).containsExactly(templatePassword + " -> first-password",
                    templatePassword + " -> second-password");
            assertThat(first.endpoint()).isNotEqualTo(second.endpoint());
        }
    }

    @Test
    void otherBinariesOfTheSameVersionGetATemplateOfTheirOwn() throws Exception {
        Path engine = installEngine();
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            start(runtime, "before", "password-1");
            Files.setLastModifiedTime(engine, FileTime.from(Instant.now().minusSeconds(3600)));
            start(runtime, "after", "password-2");

            assertThat(runtime.templates().builds()).isEqualTo(2);
            assertThat(templates()).hasSize(2);
        }
    }

    @Test
    void clearingRemovesEveryTemplateAndTheNextStartBuildsAgain() throws Exception {
        installEngine();
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            start(runtime, "first", "password-1");

            assertThat(runtime.clearTemplates()).isEqualTo(1);
            assertThat(templates()).isEmpty();
            start(runtime, "second", "password-2");
            assertThat(runtime.templates().builds()).isEqualTo(2);
        }
    }

    @Test
    void aSpareIsCopiedAfterAStartAndTheNextStartTakesItByARename() throws Exception {
        installEngine();
        try (ProcessRuntime runtime = new ProcessRuntime(home, home.resolve("cache"), 1)) {
            start(runtime, "first", "password-1");
            awaitSpares(runtime, 1);
            assertThat(readySpares()).hasSize(1);

            RunningServer second = start(runtime, "second", "password-2");
            assertThat(runtime.templates().sparesTaken()).isEqualTo(1);
            Path data = Path.of(second.attribute(ProcessRuntime.DIRECTORY)).resolve("data");
            assertThat(Files.readString(data.resolve("made-by"))).isEqualTo("the template's initializer");
            assertThat(Files.isExecutable(data.resolve("script"))).isTrue();
            String templatePassword = Files.readString(onlyTemplate().resolve("password"));
            assertThat(personalized).containsExactly(templatePassword + " -> password-1",
                    templatePassword + " -> password-2");

            // The taken copy is the server's own: what it writes is nowhere else.
            Files.writeString(data.resolve("made-by"), "the second server");
            assertThat(Files.readString(onlyTemplate().resolve("data/made-by"))).isEqualTo("the template's initializer");
            awaitSpares(runtime, 2);
            assertThat(Files.readString(readySpares().get(0).resolve("made-by"))).isEqualTo("the template's initializer");
        }
    }

    @Test
    void aHalfSpareLeftByADeadJvmIsRemovedAndClosingLeavesNoHalfCopy() throws Exception {
        installEngine();
        try (ProcessRuntime runtime = new ProcessRuntime(home, home.resolve("cache"), 1)) {
            start(runtime, "first", "password-1");
            awaitSpares(runtime, 1);
            Path abandoned = Files.createDirectories(onlyTemplate().resolve("spares/.making-of-a-dead-jvm/base"));
            ServerDirectories.deleteRecursively(readySpares().get(0));

            start(runtime, "second", "password-2");
            awaitSpares(runtime, 2);
            assertThat(abandoned.getParent()).doesNotExist();

            start(runtime, "third", "password-3");
        }
        // Closed right after a start: its spare is either whole or not there at all.
        try (Stream<Path> spares = Files.list(onlyTemplate().resolve("spares"))) {
            assertThat(spares.map(path -> path.getFileName().toString())).noneMatch(name -> name.startsWith("."));
        }
    }

    @Test
    void withSparesAfterExitASecondStartOfATemplateGetsItsSpareMadeAtOnce() throws Exception {
        installEngine();
        try (ProcessRuntime run = shortLived()) {
            start(run, "first", "password-1");
            // One server of the template so far: its spare waits for the close, not to slow the program.
            assertThat(onlyTemplate().resolve("spares")).doesNotExist();

            start(run, "second", "password-2");
            // A second one: the program starts more of them, so a copier makes the next one's now.
            assertThat(run.templates().awaitCopiers(Duration.ofMinutes(1))).isTrue();
            assertThat(readySpares()).hasSize(1);
            RunningServer third = start(run, "third", "password-3");

            assertThat(run.templates().sparesTaken()).isEqualTo(1);
            assertThat(Path.of(third.attribute(ProcessRuntime.DIRECTORY)).resolve("data/made-by"))
                    .hasContent("the template's initializer");
            assertThat(run.templates().awaitCopiers(Duration.ofMinutes(1))).isTrue();
        }
    }

    @Test
    void withNoSparesEveryStartCopiesAndABadSettingIsRefusedNamingIt() throws Exception {
        installEngine();
        try (ProcessRuntime runtime = new ProcessRuntime(home, home.resolve("cache"), 0)) {
            start(runtime, "first", "password-1");
            start(runtime, "second", "password-2");
            assertThat(runtime.templates().sparesTaken()).isZero();
        }
        assertThat(onlyTemplate().resolve("spares")).doesNotExist();

        for (String bad : List.of("5", "-1", "many")) {
            RuntimeContext context = new RuntimeContext(home, home.resolve("cache"),
                    Map.of(ProcessRuntime.SPARES_SETTING, bad));
            assertThatThrownBy(() -> new ProcessRuntimeFactory().create(context))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessage("process.spares must be a whole number from 0 to 4 (copies of each data template made"
                            + " ahead), not '" + bad + "'");
        }
        for (String bad : List.of("yes", "1")) {
            RuntimeContext context = new RuntimeContext(home, home.resolve("cache"),
                    Map.of(ProcessRuntime.SHORT_LIVED_SETTING, bad));
            assertThatThrownBy(() -> new ProcessRuntimeFactory().create(context))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessage("process.shortLived must be true or false (whether the program is busy until it"
                            + " exits), not '" + bad + "'");
        }
    }

    @Test
    void aNewHomeOnTheSameCacheStartsOnTheTemplateAnotherHomeBuiltWithoutBuildingAgain() throws Exception {
        installEngine();
        Path cache = home.resolve("shared-cache");
        // Homes and a cache side by side in the test's directory, which the engine user (as root) must pass.
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx-----x"));
        try (ProcessRuntime first = new ProcessRuntime(home.resolve("first-home"), cache, 0);
                ProcessRuntime second = new ProcessRuntime(home.resolve("second-home"), cache, 0)) {
            start(first, "first", "password-1");
            start(second, "second", "password-2");

            assertThat(first.templates().builds()).isEqualTo(1);
            assertThat(second.templates().builds()).isZero();
            assertThat(home.resolve("first-home/cache/templates")).doesNotExist();
            String templatePassword = Files.readString(onlyTemplateIn(cache).resolve("password"));
            assertThat(personalized).containsExactly(templatePassword + " -> password-1",
                    templatePassword + " -> password-2");
        }
    }

    @Test
    void aTemplateWhoseDataOrPasswordIsGoneIsBuiltAgainAndNeverCopied() throws Exception {
        installEngine();
        try (ProcessRuntime runtime = new ProcessRuntime(home, home.resolve("cache"), 0)) {
            start(runtime, "first", "password-1");
            Files.delete(onlyTemplate().resolve("password"));
            start(runtime, "second", "password-2");
            ServerDirectories.deleteRecursively(onlyTemplate().resolve("data"));
            RunningServer third = start(runtime, "third", "password-3");

            assertThat(runtime.templates().builds()).isEqualTo(3);
            assertThat(Path.of(third.attribute(ProcessRuntime.DIRECTORY)).resolve("data/made-by"))
                    .hasContent("the template's initializer");
            assertThat(onlyTemplate().resolve("password")).isNotEmptyFile();
        }
    }

    @Test
    void withSparesAfterExitADetachedCopierMakesTheSpareForTheNextRuntime() throws Exception {
        installEngine();
        try (ProcessRuntime command = shortLived()) {
            start(command, "first", "password-1");
            assertThat(onlyTemplate().resolve("spares")).doesNotExist();
            // Closed, as a command does before it prints and exits: a copier of its own makes the spare.
            command.close();
            assertThat(command.templates().awaitCopiers(Duration.ofMinutes(1))).isTrue();
            assertThat(readySpares()).hasSize(1);
            try (Stream<Path> all = Files.list(onlyTemplate().resolve("spares"))) {
                assertThat(all).as("no hidden copy left").hasSize(1);
            }
        }
        try (ProcessRuntime next = new ProcessRuntime(home, home.resolve("cache"), 0)) {
            RunningServer second = start(next, "second", "password-2");

            assertThat(next.templates().sparesTaken()).isEqualTo(1);
            assertThat(Path.of(second.attribute(ProcessRuntime.DIRECTORY)).resolve("data/made-by"))
                    .hasContent("the template's initializer");
        }
    }

    @Test
    void aCacheOnAnotherFileSystemThanTheHomeIsCopiedFromAndMakesNoMoreSpares() throws Exception {
        installEngine();
        Path cache = Files.createTempDirectory(Path.of("/dev/shm"), "addons-cache-");
        assertThat(Files.getFileStore(cache)).as("the test's premise: /dev/shm is another file system")
                .isNotEqualTo(Files.getFileStore(home));
        try (ProcessRuntime runtime = new ProcessRuntime(home, cache, 1)) {
            start(runtime, "first", "password-1");
            awaitSpares(runtime, 1);
            RunningServer second = start(runtime, "second", "password-2");
            start(runtime, "third", "password-3");

            assertThat(runtime.templates().sparesTaken()).isZero();
            assertThat(runtime.templates().awaitSparesMade(2, Duration.ofMillis(1))).isFalse();
            assertThat(Path.of(second.attribute(ProcessRuntime.DIRECTORY)).resolve("data/made-by"))
                    .hasContent("the template's initializer");
        } finally {
            ServerDirectories.deleteRecursively(cache);
        }
    }

    private static Path onlyTemplateIn(Path cache) throws IOException {
        try (Stream<Path> listed = Files.list(cache.resolve("templates"))) {
            return assertThat(listed.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")))
                    .singleElement().actual();
        }
    }

    /** Waits (up to a minute) until the runtime has made {@code count} spares in all. */
    private static void awaitSpares(ProcessRuntime runtime, int count) throws InterruptedException {
        assertThat(runtime.templates().awaitSparesMade(count, Duration.ofMinutes(1)))
                .as("%d spares made within a minute", count).isTrue();
    }

    /** A runtime of a program busy until it exits ({@link ProcessRuntime#SHORT_LIVED_SETTING}), one spare each. */
    private ProcessRuntime shortLived() {
        return new ProcessRuntime(home, home.resolve("cache"), 1, WarmSizes.NONE, true);
    }

    private List<Path> readySpares() throws IOException {
        try (Stream<Path> listed = Files.list(onlyTemplate().resolve("spares"))) {
            return listed.filter(path -> !path.getFileName().toString().startsWith(".")).toList();
        }
    }

    @Test
    void anInitializerCanFeedACommandItsInputAsTheEnginesUser() throws Exception {
        installEngine();
        DataTemplate.Initializer plain = initializer;
        initializer = (context, password) -> {
            plain.initialize(context, password);
            context.run(List.of(context.binary("fake-engine").toString(), "-c",
                    "cat > '" + context.dataDirectory().resolve("fed") + "'"), "first line\nsecond line\n");
        };
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            RunningServer server = start(runtime, "fed", "password-1");

            assertThat(Path.of(server.attribute(ProcessRuntime.DIRECTORY)).resolve("data/fed"))
                    .hasContent("first line\nsecond line\n");
        }
    }

    @Test
    void aCommandFedInputThatFailsFailsTheBuildWithItsOutput() throws Exception {
        installEngine();
        initializer = (context, password) -> context.run(List.of(context.binary("fake-engine").toString(), "-c",
                "read line; echo \"refused: $line\"; exit 3"), "drop everything\n");
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            assertThatThrownBy(() -> start(runtime, "failing", "password-1"))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining("fake-engine exited with status 3")
                    .hasMessageContaining("refused: drop everything");
            assertThat(templates()).isEmpty();
        }
    }

    private RunningServer start(ProcessRuntime runtime, String serverId, String adminPassword) {
        RunningServer server = runtime.start(serverId, definition(adminPassword), ProgressListener.NONE);
        started.add(server);
        return server;
    }

    private Path installEngine() throws IOException {
        return Files.copy(Path.of("/bin/sh"), bin.resolve("fake-engine"), StandardCopyOption.COPY_ATTRIBUTES);
    }

    private ServerDefinition definition(String adminPassword) {
        DataTemplate template = new DataTemplate("fake v1", initializer);
        ProcessRecipe recipe = ProcessRecipe.builder(
                        new BinaryDistribution("a fake engine", List.of(bin), List.of("fake-engine"), null),
                        context -> List.of(context.binary("fake-engine").toString(),
                                context.dataDirectory().resolve("script").toString()))
                .initializer(context -> {
                    throw new AssertionError("a recipe with a template is not initialized per server");
                })
                .stopSignal(ProcessRecipe.StopSignal.TERM)
                .stopTimeout(Duration.ofSeconds(5))
                .template(template)
                .rekey((context, access, password) -> personalized.add(access.adminPassword() + " -> " + password))
                .build();
        return new ServerDefinition("fake", "1", "admin", adminPassword, recipe,
                ContainerRecipe.builder("none:1", 1, "/data").build(), server -> { }, Duration.ofSeconds(10));
    }

    private Path onlyTemplate() throws IOException {
        assertThat(templates()).hasSize(1);
        return templates().get(0);
    }

    private List<Path> templates() throws IOException {
        Path root = home.resolve("cache/templates");
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> listed = Files.list(root)) {
            return listed.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).toList();
        }
    }
}
