package dev.addons.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.Endpoint;
import dev.addons.api.InvalidBackupException;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.Status;
import dev.addons.api.UnsupportedOperationAddonException;
import dev.addons.api.Variant;
import dev.addons.api.spi.BackupCapability;
import dev.addons.core.Addons;
import dev.addons.core.AppFile;
import dev.addons.core.BackupInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
            addons.app(record.app(), record.environment()).destroy(record.addon(), dev.addons.core.FinalBackup.SKIP);
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
            TestFiles.deleteRecursively(home);
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
    void aDedicatedAddonIsActiveListensOnLoopbackOnlyAndWorksWithItsVariablesAloneAndDestroyLeavesNothing() throws Exception {
        AddonRecord record = create("solo", Variant.DEFAULT);
        Map<String, String> vars = variables("solo");

        assertThat(record.status()).isEqualTo(Status.ACTIVE);
        assertThat(vars.keySet()).containsExactlyElementsOf(engine.variables());
        Endpoint endpoint = engine.endpoint(vars);
        assertThat(endpoint.host()).isEqualTo("127.0.0.1");
        runtime.assertListensOnLoopbackOnly(home, record);
        engine.write(vars, "greeting", "hello");
        assertThat(engine.read(vars, "greeting")).contains("hello");
        Set<Path> sharedMemory = runtime.sharedMemoryOf(home, record);
        if (engine.usesSharedMemoryFiles() && runtime.name().equals("process")) {
            assertThat(sharedMemory).as("the server's files in /dev/shm").isNotEmpty();
        }

        addons.app("solo", "production").destroy(engine.addon());

        assertThat(addons.app("solo", "production").list()).isEmpty();
        assertThat(Loopback.isListening(endpoint.port())).as("port " + endpoint.port() + " after destroy").isFalse();
        runtime.assertNothingLeft(home);
        assertThat(sharedMemory).as("the server's shared memory " + sharedMemory + " after destroy")
                .noneMatch(Files::exists);
    }

    @Test
    void twoAppsOnTheSharedServerHaveTheirOwnDataAndOneOutlivesTheOther() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(addons.variants(engine.addon()).stream().anyMatch(Variant::shared),
                engine.addon() + " offers no shared server");
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

        addons.app("alpha", "production").destroy(engine.addon());

        assertThat(engine.read(beta, "owner")).contains("beta");
        addons.app("beta", "production").destroy(engine.addon());
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

        AddonRecord restarted = addons.app("durable", "production").restart(engine.addon());

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
    void everyServerOfTheHomeKilledAtOnceComesBackOnItsDataThroughUpWithTheSameVariables() throws Exception {
        java.util.List<String> apps = new java.util.ArrayList<>(java.util.List.of("crashed"));
        create("crashed", Variant.DEFAULT);
        sharedVariant().ifPresent(shared -> {
            create("crashed-shared", shared);
            apps.add("crashed-shared");
        });
        Map<String, Map<String, String>> before = new java.util.LinkedHashMap<>();
        for (String app : apps) {
            before.put(app, variables(app));
            engine.write(before.get(app), "kept", "through a power cut by " + app);
            engine.checkpoint(before.get(app));
        }

        assertThat(runtime.killAll(home)).as("servers killed").isEqualTo(apps.size());

        // A new instance, as after a reboot: it finds the servers dead, and up brings them back.
        try (Addons rebooted = Addons.builder().home(home).runtime(runtime.name()).build()) {
            assertThat(rebooted.listAll()).extracting(AddonRecord::status).containsOnly(Status.FAILED);
            dev.addons.core.UpResult up = rebooted.up(null, null, true);

            assertThat(up.failures()).as("could not come back").isEmpty();
            assertThat(up.active()).extracting(AddonRecord::app).containsExactlyInAnyOrderElementsOf(apps);
            for (String app : apps) {
                Map<String, String> after = rebooted.app(app, "production").env().toMap();
                assertThat(after).as(app + "'s variables").isEqualTo(before.get(app));
                assertThat(engine.read(after, "kept")).as(app + "'s data")
                        .isEqualTo(engine.keepsDataAcrossRestart()
                                ? java.util.Optional.of("through a power cut by " + app) : java.util.Optional.empty());
                dev.addons.core.ServerHistory history = rebooted.app(app, "production").history(engine.addon());
                assertThat(history.restarts()).as(app + "'s restarts").isEqualTo(1);
                assertThat(history.lastCrash()).as(app + "'s last crash").startsWith("found not running");
            }
            assertThat(rebooted.up(null, null, true).active()).as("a second up finds them running")
                    .hasSize(apps.size());
            assertThat(rebooted.app("crashed", "production").history(engine.addon()).restarts()).isEqualTo(1);
        }
    }

    @Test
    void aCreateOfAnAddonWhoseServerWasKilledStartsItAgainOnItsDataNeverMakingANewOne() throws Exception {
        AddonRecord record = create("phoenix", Variant.DEFAULT);
        Map<String, String> before = variables("phoenix");
        engine.write(before, "kept", "through a kill");
        engine.checkpoint(before);

        runtime.kill(home, record);

        // The instance that was open all along sees it too.
        assertThat(addons.app("phoenix", "production").list()).singleElement().satisfies(seen -> {
            assertThat(seen.status()).isEqualTo(Status.FAILED);
            assertThat(seen.message()).startsWith("its server ").endsWith(" is not running");
        });
        assertThat(addons.app("phoenix", "production").health()).singleElement()
                .satisfies(health -> assertThat(health.healthy()).isFalse());
        try (Addons later = Addons.builder().home(home).runtime(runtime.name()).build()) {
            AddonRecord again = later.app("phoenix", "production").create(AddonSpec.of(engine.addon())
                    .withVersion(runtime.version(engine)));

            assertThat(again.status()).isEqualTo(Status.ACTIVE);
            assertThat(again.id()).as("the same addon, not a new one").isEqualTo(record.id());
            Map<String, String> after = later.app("phoenix", "production").env().toMap();
            assertThat(after).isEqualTo(before);
            if (engine.keepsDataAcrossRestart()) {
                assertThat(engine.read(after, "kept")).contains("through a kill");
            }
        }
    }

    @Test
    void aSupervisorStartsAKilledServerAgainWithinSecondsOnItsDataWithTheSameVariables() throws Exception {
        AddonRecord record = create("watched", Variant.DEFAULT);
        Map<String, String> before = variables("watched");
        engine.write(before, "kept", "through a crash");
        engine.checkpoint(before);
        java.util.concurrent.BlockingQueue<AddonRecord> transitions = new java.util.concurrent.LinkedBlockingQueue<>();

        try (Addons supervising = Addons.builder().home(home).runtime(runtime.name()).automaticBackups(false)
                .listener((seen, from) -> transitions.add(seen)).supervise(true).build()) {
            assertThat(dev.addons.core.Supervisor.runningFor(home)).contains(ProcessHandle.current().pid());
            // Its first up, on its own thread, would otherwise see the kill (which on the container runtime
            // returns before the container is dead) and start the server again without a FAILED transition.
            assertThat(supervising.supervise().awaitStarted(java.time.Duration.ofMinutes(1))).as("started").isTrue();
            long killed = System.nanoTime();
            runtime.kill(home, record);

            AddonRecord failed = awaitTransition(transitions, record.id(), Status.FAILED);
            assertThat(failed.message()).isEqualTo("its server " + record.id() + " is not running; the supervisor"
                    + " starts it again");
            awaitTransition(transitions, record.id(), Status.ACTIVE);
            long seconds = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - killed);
            assertThat(seconds).as("seconds from the kill to ACTIVE again").isLessThan(30);
            System.out.println(record.id() + " was ACTIVE again " + seconds + " s after its server was killed");

            Map<String, String> after = supervising.app("watched", "production").env().toMap();
            assertThat(after).isEqualTo(before);
            if (engine.keepsDataAcrossRestart()) {
                assertThat(engine.read(after, "kept")).contains("through a crash");
            }
            dev.addons.core.ServerHistory history = supervising.app("watched", "production").history(engine.addon());
            assertThat(history.restarts()).isEqualTo(1);
            assertThat(history.lastCrash()).startsWith("found not running");
        }
        assertThat(dev.addons.core.Supervisor.runningFor(home)).as("once closed").isEmpty();
        assertThat(addons.app("watched", "production").list()).extracting(AddonRecord::status)
                .as("the server outlives its supervisor").containsExactly(Status.ACTIVE);
    }

    /** The next transition of addon {@code id} to {@code status}, heard within a minute. */
    private static AddonRecord awaitTransition(java.util.concurrent.BlockingQueue<AddonRecord> transitions, String id,
            Status status) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
        java.util.List<AddonRecord> heard = new java.util.ArrayList<>();
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            AddonRecord seen = transitions.poll(left, java.util.concurrent.TimeUnit.NANOSECONDS);
            if (seen == null) {
                break;
            }
            heard.add(seen);
            if (seen.id().equals(id) && seen.status() == status) {
                return seen;
            }
        }
        throw new AssertionError("no transition of " + id + " to " + status + " within a minute; heard " + heard);
    }

    @Test
    void aStoppedAddonKeepsItsDataPortAndVariablesStaysStoppedThroughUpAndStartsAgain() throws Exception {
        create("paused", Variant.DEFAULT);
        Map<String, String> before = variables("paused");
        engine.write(before, "kept", "while stopped");
        int port = engine.endpoint(before).port();

        AddonRecord stopped = addons.app("paused", "production").stop(engine.addon());

        assertThat(stopped.status()).isEqualTo(Status.STOPPED);
        assertThat(Loopback.isListening(port)).as("port " + port + " of the stopped server").isFalse();
        assertThat(variables("paused")).as("its variables while stopped").isEqualTo(before);
        dev.addons.core.UpResult up = addons.up("paused", null, true);
        assertThat(up.left()).extracting(AddonRecord::status).containsExactly(Status.STOPPED);
        assertThat(Loopback.isListening(port)).as("port " + port + " after up").isFalse();
        assertThat(addons.app("paused", "production").health()).singleElement()
                .satisfies(health -> assertThat(health.detail()).startsWith("it is stopped"));

        AddonRecord started = addons.app("paused", "production").start(engine.addon());

        assertThat(started.status()).isEqualTo(Status.ACTIVE);
        assertThat(variables("paused")).isEqualTo(before);
        if (engine.keepsDataAcrossRestart()) {
            assertThat(engine.read(before, "kept")).contains("while stopped");
        }
        assertThat(addons.app("paused", "production").history(engine.addon()).restarts())
                .as("a stop on request is no crash").isZero();
        sharedVariant().ifPresent(shared -> {
            create("neighbour", shared);
            assertThatThrownBy(() -> addons.app("neighbour", "production").stop(engine.addon()))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessageContaining("which other apps use too: only dedicated servers are stopped");
        });
    }

    @Test
    void anIdleAddonSleepsWithItsPortHeldAndItsOrdinaryClientWakesItWithItsDataAndVariables() throws Exception {
        AddonSpec dozy = AddonSpec.of(engine.addon()).withVersion(runtime.version(engine))
                .withSleepAfter(java.time.Duration.ofSeconds(1));
        if (!runtime.name().equals("process")) {
            assertThatThrownBy(() -> addons.app("dozy", "production").create(dozy))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessage(engine.addon() + " sleep_after = \"1s\" is refused on the " + runtime.name()
                            + " runtime: only the process runtime sees a server's client connections. Allowed:"
                            + " sleep_after with runtime = \"process\" (--runtime process)");
            assertThat(addons.app("dozy", "production").list()).isEmpty();
            return;
        }
        AddonRecord record = addons.app("dozy", "production").create(dozy);
        Map<String, String> before = variables("dozy");
        int port = engine.endpoint(before).port();
        engine.write(before, "kept", "through a sleep");
        engine.checkpoint(before);
        Path serverDirectory = home.resolve("servers").resolve(record.id());

        try (Addons supervising = Addons.builder().home(home).runtime(runtime.name()).supervise(true).build()) {
            awaitAsleepWithPortHeld("dozy", port, serverDirectory);
            assertThat(variables("dozy")).as("its variables while asleep").isEqualTo(before);

            // Nothing but the variables and the ordinary client: the first connection wakes it.
            if (engine.keepsDataAcrossRestart()) {
                assertThat(engine.read(before, "kept")).contains("through a sleep");
            } else {
                engine.write(before, "after", "a wake");
                assertThat(engine.read(before, "after")).contains("a wake");
            }

            assertThat(addons.app("dozy", "production").list()).singleElement().extracting(AddonRecord::status)
                    .isEqualTo(Status.ACTIVE);
            assertThat(variables("dozy")).isEqualTo(before);
            assertThat(addons.app("dozy", "production").history(engine.addon()).restarts())
                    .as("a sleep is no crash").isZero();
            // Idle again: asleep again, and a supervisor that ends lets go of the port.
            awaitAsleepWithPortHeld("dozy", port, serverDirectory);
        }
        assertThat(Loopback.isListening(port)).as("port " + port + " once the supervisor is closed").isFalse();
        assertThat(addons.app("dozy", "production").list()).singleElement().extracting(AddonRecord::status)
                .isEqualTo(Status.SLEEPING);

        assertThat(addons.up("dozy", null, true).active()).extracting(AddonRecord::status)
                .containsExactly(Status.ACTIVE);
        assertThat(variables("dozy")).isEqualTo(before);
        if (engine.keepsDataAcrossRestart()) {
            assertThat(engine.read(before, "kept")).contains("through a sleep");
        }
        sharedVariant().ifPresent(shared -> assertThatThrownBy(() -> addons.app("dozy-shared", "production").create(
                dozy.withVariant(shared)))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage(engine.addon() + " sleep_after = \"1s\" is refused for variant '" + shared + "': a shared"
                        + " server serves other apps too and is never put to sleep. Allowed: sleep_after on a"
                        + " dedicated variant"));
    }

    /** Waits until the app's addon is SLEEPING, its engine gone and its port held by this JVM's supervisor. */
    private void awaitAsleepWithPortHeld(String app, int port, Path serverDirectory) throws Exception {
        long self = ProcessHandle.current().pid();
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(90);
        while (true) {
            Status status = addons.app(app, "production").list().get(0).status();
            boolean held = Loopback.listeningAddressesOf(java.util.List.of(self)).stream()
                    .anyMatch(address -> address.getPort() == port);
            boolean engineGone = ServerProcesses.under(serverDirectory).isEmpty();
            if (status == Status.SLEEPING && held && engineGone) {
                return;
            }
            assertThat(java.time.Instant.now()).as(app + " asleep with port " + port + " held (status " + status
                    + ", held " + held + ", engine gone " + engineGone + ")").isBefore(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
        }
    }

    @Test
    void aVersionTheRuntimeCannotHaveIsRefusedNamingItAndNothingIsCreated() {
        String version = runtime.unavailableVersion(engine);

        assertThatThrownBy(() -> addons.app("wrong", "production").create(AddonSpec.of(engine.addon())
                .withVersion(version)))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining(runtime.unavailableMessage(engine));
        assertThat(addons.app("wrong", "production").list()).isEmpty();
        runtime.assertNothingLeft(home);
    }

    @Test
    void aServerKilledBehindOurBackIsReportedAndCanStillBeDestroyed() {
        AddonRecord record = create("victim", Variant.DEFAULT);

        runtime.kill(home, record);

        try (Addons later = Addons.builder().home(home).runtime(runtime.name()).build()) {
            AddonRecord seen = later.app("victim", "production").list().get(0);
            assertThat(seen.status()).isEqualTo(Status.FAILED);
            assertThat(seen.message()).isEqualTo("its server " + record.id() + " is not running");
            if (backsUp()) {
                assertThatThrownBy(() -> later.app("victim", "production").destroy(engine.addon()))
                        .hasMessage("Cannot take the final backup of " + engine.addon() + " of victim/production before"
                                + " destroying it: it is failed and its server is not serving; bring it back first"
                                + " (addons start), or destroy it without a final backup (--no-backup)");
            }
            later.app("victim", "production").destroy(engine.addon(), dev.addons.core.FinalBackup.SKIP);
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

    @Test
    void aBackupTakenWhileWritesGoOnRestoresEverythingCommittedBeforeItAlsoIntoAnotherApp() throws Exception {
        create("saved", Variant.DEFAULT);
        Map<String, String> vars = variables("saved");
        if (!backsUp()) {
            assertThatThrownBy(() -> addons.app("saved", "production").backup(engine.addon()))
                    .isInstanceOf(UnsupportedOperationAddonException.class)
                    .hasMessageContaining("not supported: " + engine.addon() + " has no backups. Engines here with"
                            + " backups: ");
            return;
        }
        for (int i = 0; i < 20; i++) {
            engine.writeKept(vars, "before-" + i, "value-" + i);
        }
        BackupInfo backup;
        int committedBefore;
        try (Writer writer = new Writer(engine, vars)) {
            writer.awaitWrites(3);
            committedBefore = writer.committed();
            backup = addons.app("saved", "production").backup(engine.addon());
            writer.awaitWrites(committedBefore + 3);
        }
        engine.writeKept(vars, "before-0", "changed");
        engine.writeKept(vars, "after", "the backup");

        assertThatThrownBy(() -> addons.app("saved", "production").restore(engine.addon(), backup.file(), false))
                .hasMessageContaining("--force");
        addons.app("saved", "production").restore(engine.addon(), backup.file(), true);

        Map<String, String> restored = variables("saved");
        for (int i = 0; i < 20; i++) {
            assertThat(engine.readKept(restored, "before-" + i)).as("before-" + i).contains("value-" + i);
        }
        for (int i = 0; i < committedBefore; i++) {
            assertThat(engine.readKept(restored, "during-" + i)).as("during-%d, committed before the backup", i)
                    .contains("w" + i);
        }
        assertThat(engine.readKept(restored, "after")).as("written after the backup").isEmpty();
        assertThat(backup.addon()).isEqualTo(engine.addon());
        assertThat(addons.app("saved", "production").backups()).extracting(BackupInfo::file)
                .containsExactly(backup.file());

        create("clone", Variant.DEFAULT);
        addons.app("clone", "production").restore(engine.addon(), backup.file(), false);
        Map<String, String> clone = variables("clone");
        assertThat(clone).isNotEqualTo(restored);
        assertThat(engine.readKept(clone, "before-7")).contains("value-7");
        assertThat(engine.readKept(restored, "before-7")).as("the source, after the clone").contains("value-7");
    }

    @Test
    void aDestroyKeepsAFinalBackupFromWhichOneRestoreBringsTheAddonBack() throws Exception {
        AddonRecord record = create("removed", Variant.DEFAULT);
        Map<String, String> before = variables("removed");
        engine.writeKept(before, "kept", "after a destroy");

        AddonRecord destroyed = addons.app("removed", "production").destroy(engine.addon());

        assertThat(addons.app("removed", "production").list()).isEmpty();
        if (!backsUp()) {
            assertThat(destroyed.message()).startsWith("no final backup: ").contains(engine.addon() + " has no backups");
            assertThat(addons.app("removed", "production").backups()).isEmpty();
            return;
        }
        BackupInfo last = addons.app("removed", "production").backups().stream()
                .filter(b -> b.trigger().equals(BackupInfo.FINAL)).reduce((a, b) -> b).orElseThrow();
        assertThat(destroyed.message()).isEqualTo("its final backup: " + last.file());

        BackupInfo restored = addons.app("removed", "production").restore(AddonSpec.of(engine.addon()), last.file());

        AddonRecord back = addons.app("removed", "production").list().get(0);
        assertThat(back.status()).isEqualTo(Status.ACTIVE);
        assertThat(back.variant()).isEqualTo(record.variant());
        assertThat(back.version()).isEqualTo(record.version());
        assertThat(restored.file()).isEqualTo(last.file());
        assertThat(engine.readKept(variables("removed"), "kept")).contains("after a destroy");
        addons.app("removed", "production").destroy(engine.addon(), dev.addons.core.FinalBackup.SKIP);
        assertThat(addons.app("removed", "production").backups()).as("a destroy without a final backup takes none")
                .hasSize(1);
    }

    @Test
    void aDamagedOrTruncatedBackupIsRefusedAndTheDataIsLeftAsItWas() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(backsUp(),
                engine.addon() + " has no backups to restore (a backup's refusal is asserted above)");
        create("guarded", Variant.DEFAULT);
        Map<String, String> vars = variables("guarded");
        engine.writeKept(vars, "row", "backed up");
        BackupInfo backup = addons.app("guarded", "production").backup(engine.addon());
        engine.writeKept(vars, "row", "current");
        byte[] bytes = Files.readAllBytes(backup.file());
        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 0x01;
        Path damaged = Files.write(home.resolve("damaged.tar.zst"), flipped);
        Path truncated = Files.write(home.resolve("truncated.tar.zst"),
                java.util.Arrays.copyOf(bytes, bytes.length * 2 / 3));

        for (Path bad : new Path[] {damaged, truncated}) {
            assertThatThrownBy(() -> addons.app("guarded", "production").restore(engine.addon(), bad, true))
                    .isInstanceOf(InvalidBackupException.class)
                    .hasMessageContaining(bad.toString());
            assertThat(engine.readKept(variables("guarded"), "row")).as(bad.getFileName().toString())
                    .contains("current");
        }
    }

    @Test
    void aMoveToTheSharedServerAndBackKeepsEveryRowAndTheVariablesFollow() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(backsUp()
                && addons.variants(engine.addon()).stream().anyMatch(Variant::shared),
                engine.addon() + " offers no shared server to move to");
        String shared = addons.variants(engine.addon()).stream().filter(Variant::shared).findFirst().orElseThrow()
                .name();
        create("mover", Variant.DEFAULT);
        create("neighbour", shared);
        Map<String, String> dedicated = variables("mover");
        for (int i = 0; i < 30; i++) {
            engine.writeKept(dedicated, "row-" + i, "value-" + i);
        }
        engine.writeKept(variables("neighbour"), "mine", "neighbour's");

        AddonRecord moved = addons.app("mover", "production").migrate(engine.addon(), shared);

        Map<String, String> onShared = variables("mover");
        assertThat(moved.variant()).isEqualTo(shared);
        assertThat(engine.endpoint(onShared)).isEqualTo(engine.endpoint(variables("neighbour")))
                .isNotEqualTo(engine.endpoint(dedicated));
        for (int i = 0; i < 30; i++) {
            assertThat(engine.readKept(onShared, "row-" + i)).contains("value-" + i);
        }
        assertThat(Loopback.isListening(engine.endpoint(dedicated).port())).as("the old dedicated server").isFalse();

        AddonRecord back = addons.app("mover", "production").migrate(engine.addon(), Variant.DEFAULT);

        Map<String, String> again = variables("mover");
        assertThat(back.variant()).isEqualTo(Variant.DEFAULT);
        assertThat(engine.endpoint(again)).isNotEqualTo(engine.endpoint(onShared));
        assertThat(engine.readKept(again, "row-29")).contains("value-29");
        assertThat(engine.readKept(variables("neighbour"), "mine")).contains("neighbour's");
        assertThat(engine.readKept(variables("neighbour"), "row-3")).as("the mover's rows left the shared server")
                .isEmpty();
    }

    /** Writes {@code during-N} keys one after another until closed, counting those committed. */
    private static final class Writer implements AutoCloseable {
        private final java.util.concurrent.atomic.AtomicInteger committed =
                new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.atomic.AtomicReference<Exception> failure =
                new java.util.concurrent.atomic.AtomicReference<>();
        private volatile boolean stop;
        private final Thread thread;

        Writer(EngineUnderTest engine, Map<String, String> vars) {
            thread = new Thread(() -> {
                try {
                    for (int i = 0; !stop; i++) {
                        engine.writeKept(vars, "during-" + i, "w" + i);
                        committed.set(i + 1);
                    }
                } catch (Exception e) {
                    failure.set(e);
                }
            }, "backup-scenario-writer");
            thread.start();
        }

        /** How many writes have returned, all of them committed. */
        int committed() {
            return committed.get();
        }

        void awaitWrites(int count) throws InterruptedException {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (committed.get() < count && failure.get() == null && System.nanoTime() < deadline) {
                thread.join(10); // Waiting on the writer, who does the work.
            }
            assertThat(failure.get()).as("the writer's failure").isNull();
            assertThat(committed.get()).as("writes done").isGreaterThanOrEqualTo(count);
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(60_000);
            assertThat(failure.get()).as("the writer's failure").isNull();
        }
    }

    /** Whether the engine's provider has backups (a cache's has not). */
    private boolean backsUp() {
        return addons.providers().require(engine.addon()).capability(BackupCapability.class).isPresent();
    }

    /** The engine's shared variant, if it has one. */
    private java.util.Optional<String> sharedVariant() {
        return addons.variants(engine.addon()).stream().filter(Variant::shared).map(Variant::name).findFirst();
    }

    private AddonRecord create(String app, String variant) {
        return addons.app(app, "production").create(AddonSpec.of(engine.addon()).withVariant(variant)
                .withVersion(runtime.version(engine)));
    }

    private Map<String, String> variables(String app) {
        return addons.app(app, "production").env().toMap();
    }
}
