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
    }

    /** Waits (up to a minute) until the runtime has made {@code count} spares in all. */
    private static void awaitSpares(ProcessRuntime runtime, int count) throws InterruptedException {
        assertThat(runtime.templates().awaitSparesMade(count, Duration.ofMinutes(1)))
                .as("%d spares made within a minute", count).isTrue();
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
        DataTemplate template = new DataTemplate("fake v1", initializer,
                (access, password) -> personalized.add(access.adminPassword() + " -> " + password));
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
