package dev.addons.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.Endpoint;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.Status;
import dev.addons.api.Variant;
import dev.addons.core.Addons;
import dev.addons.core.AppFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The behaviours every engine shows on every runtime, written once: an engine module extends this
 * class once per runtime, e.g.
 *
 * <pre>{@code
 * class PostgresOnContainerTest extends AddonScenarios {
 *     PostgresOnContainerTest() {
 *         super(new PostgresUnderTest(), RuntimeUnderTest.container());
 *     }
 * }
 * }</pre>
 *
 * <p>Each class works in one addons home of its own through the {@link Addons} facade, with the
 * runtime asked for by name; apps connect with the engine's ordinary client using only their
 * variables. Every test destroys what it made, and afterwards nothing of the home's servers may be
 * left. The container runtime's scenarios are skipped only where no Docker-API endpoint exists at
 * all, never in CI.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AddonScenarios {
    private final EngineUnderTest engine;
    private final RuntimeUnderTest runtime;
    private Path home;
    private Addons addons;

    protected AddonScenarios(EngineUnderTest engine, RuntimeUnderTest runtime) {
        this.engine = Objects.requireNonNull(engine, "engine == null");
        this.runtime = Objects.requireNonNull(runtime, "runtime == null");
    }

    @BeforeAll
    void openAHomeOnTheRuntime() throws IOException {
        runtime.requireAvailable();
        // A short path: engines put Unix sockets under it, and a socket's path has at most 107 bytes.
        home = Files.createTempDirectory("addons-");
        addons = Addons.builder().home(home).runtime(runtime.name()).build();
    }

    @AfterEach
    void destroyEverythingAndCheckNothingIsLeft() {
        for (AddonRecord record : addons.listAll()) {
            addons.destroy(record.app(), record.environment(), record.addon());
        }
        runtime.assertNothingLeft(home);
    }

    @AfterAll
    void closeAndDeleteTheHome() throws IOException {
        try {
            if (addons != null) {
                addons.close();
            }
        } finally {
            runtime.close();
            deleteRecursively(home);
        }
    }

    @Test
    void theRuntimeAskedForIsTheOneNewServersRunOnAndEveryRecordSaysSo() {
        AddonRecord record = create("shown", Variant.DEFAULT);

        assertThat(addons.runtimeName()).isEqualTo(runtime.name());
        assertThat(addons.runtimeReason()).isEqualTo("asked for by name");
        assertThat(record.runtime()).isEqualTo(runtime.name());
        assertThat(addons.listAll()).extracting(AddonRecord::runtime).containsOnly(runtime.name());
    }

    @Test
    void aDedicatedAddonIsActiveAndWorksWithItsVariablesAloneAndDestroyLeavesNothing() throws Exception {
        AddonRecord record = create("solo", Variant.DEFAULT);
        Map<String, String> vars = variables("solo");

        assertThat(record.status()).isEqualTo(Status.ACTIVE);
        assertThat(vars.keySet()).containsExactlyElementsOf(engine.variables());
        Endpoint endpoint = engine.endpoint(vars);
        assertThat(endpoint.host()).isEqualTo("127.0.0.1");
        engine.write(vars, "greeting", "hello");
        assertThat(engine.read(vars, "greeting")).contains("hello");

        addons.destroy("solo", "production", engine.addon());

        assertThat(addons.list("solo", "production")).isEmpty();
        assertThat(Loopback.isListening(endpoint.port())).as("port " + endpoint.port() + " after destroy").isFalse();
        runtime.assertNothingLeft(home);
    }

    @Test
    void twoAppsOnTheSharedServerHaveTheirOwnDataAndOneOutlivesTheOther() throws Exception {
        if (addons.variants(engine.addon()).stream().noneMatch(Variant::shared)) {
            return; // The engine offers no shared server.
        }
        String shared = addons.variants(engine.addon()).stream().filter(Variant::shared).findFirst().orElseThrow()
                .name();
        create("alpha", shared);
        create("beta", shared);
        Map<String, String> alpha = variables("alpha");
        Map<String, String> beta = variables("beta");

        assertThat(engine.endpoint(alpha)).isEqualTo(engine.endpoint(beta));
        assertThat(alpha).isNotEqualTo(beta);
        engine.write(alpha, "owner", "alpha");
        engine.write(beta, "owner", "beta");
        assertThat(engine.read(alpha, "owner")).contains("alpha");
        assertThat(engine.read(beta, "owner")).contains("beta");

        addons.destroy("alpha", "production", engine.addon());

        assertThat(engine.read(beta, "owner")).contains("beta");
        addons.destroy("beta", "production", engine.addon());
        assertThat(Loopback.isListening(engine.endpoint(beta).port())).as("shared server after its last app").isFalse();
        runtime.assertNothingLeft(home);
    }

    @Test
    void twoAppsDedicatedServersAreKeptApart() throws Exception {
        AddonRecord one = create("left", Variant.DEFAULT);
        AddonRecord other = create("right", Variant.DEFAULT);
        Map<String, String> right = variables("right");

        assertThat(engine.endpoint(variables("left"))).isNotEqualTo(engine.endpoint(right));
        runtime.assertSeparated(home, one, other, engine, engine.endpoint(right).port());
    }

    @Test
    void aRestartedServerStillHasItsDataAndTheSameVariables() throws Exception {
        create("durable", Variant.DEFAULT);
        Map<String, String> before = variables("durable");
        engine.write(before, "kept", "across a restart");

        AddonRecord restarted = addons.restart("durable", "production", engine.addon());

        assertThat(restarted.status()).isEqualTo(Status.ACTIVE);
        Map<String, String> after = variables("durable");
        assertThat(after).isEqualTo(before);
        if (engine.keepsDataAcrossRestart()) {
            assertThat(engine.read(after, "kept")).contains("across a restart");
        } else {
            assertThat(engine.read(after, "kept")).isEmpty();
        }
    }

    @Test
    void aVersionTheRuntimeCannotHaveIsRefusedNamingItAndNothingIsCreated() {
        String version = runtime.unavailableVersion(engine);

        assertThatThrownBy(() -> addons.create("wrong", "production", AddonSpec.of(engine.addon())
                .withVersion(version)))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining(runtime.unavailableMessage(engine));
        assertThat(addons.list("wrong", "production")).isEmpty();
        runtime.assertNothingLeft(home);
    }

    @Test
    void aServerKilledBehindOurBackIsReportedAndCanStillBeDestroyed() {
        AddonRecord record = create("victim", Variant.DEFAULT);

        runtime.kill(home, record);

        try (Addons later = Addons.builder().home(home).runtime(runtime.name()).build()) {
            AddonRecord seen = later.list("victim", "production").get(0);
            assertThat(seen.status()).isEqualTo(Status.FAILED);
            assertThat(seen.message()).isEqualTo("its server " + record.id() + " is not running");
            later.destroy("victim", "production", engine.addon());
        }
        runtime.assertNothingLeft(home);
    }

    @Test
    void anAppFileNamingTheRuntimeIsDeployedOnItWhateverTheInstanceRuns() {
        AppFile file = AppFile.parse("name = \"deployed\"\nruntime = \"" + runtime.name() + "\"\n[addons."
                + engine.addon() + "]\nversion = \"" + runtime.version(engine) + "\"\n", "addons.toml");

        try (Addons processByDefault = Addons.builder().home(home).runtime("process").build()) {
            assertThat(processByDefault.deploy(file, "production").active())
                    .extracting(AddonRecord::status, AddonRecord::runtime)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(Status.ACTIVE, runtime.name()));
            assertThat(processByDefault.deploy(AppFile.parse("name = \"deployed\"\n", "addons.toml"), "production")
                    .destroyed()).extracting(AddonRecord::addon).containsExactly(engine.addon());
        }
        runtime.assertNothingLeft(home);
    }

    private AddonRecord create(String app, String variant) {
        return addons.create(app, "production", AddonSpec.of(engine.addon()).withVariant(variant)
                .withVersion(runtime.version(engine)));
    }

    private Map<String, String> variables(String app) {
        return addons.env(app, "production").toMap();
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
