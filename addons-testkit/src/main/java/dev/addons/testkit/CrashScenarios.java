package dev.addons.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.Status;
import dev.addons.api.Variant;
import dev.addons.core.Addons;
import dev.addons.core.AppFile;
import dev.addons.core.BackupInfo;
import dev.addons.core.FinalBackup;
import dev.addons.core.internal.AddonState;
import dev.addons.core.internal.ServerState;
import dev.addons.core.internal.StateStore;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Crash safety, written once for every engine and runtime: another JVM on the same home (see
 * {@link OtherJvm}, {@link HomeCommand}) is killed with SIGKILL at a named crash point (the core's
 * {@code CrashPoints}) in the middle of a create, a destroy, a backup, a restore, a move, a stop,
 * a start or an {@code up}, and a new {@link Addons} on the home must reconcile: every state file
 * parses, every addon is active, failed or stopped, no move is left half-done, the servers the
 * runtime holds are exactly those the home records, no temporary file or restore marker is left,
 * every row the app wrote before the crash is still there, and the interrupted operation can be
 * done again. An engine module extends this class once per runtime, naming the {@link Scenario}s
 * that exercise code of its own there, e.g.
 *
 * <pre>{@code
 * class ValkeyCrashOnProcessTest extends CrashScenarios {
 *     ValkeyCrashOnProcessTest() {
 *         super(new ValkeyUnderTest(), RuntimeUnderTest.process(), Scenario.CREATE, Scenario.BACKUP,
 *                 Scenario.RESTORE, Scenario.DESTROY);
 *     }
 * }
 * }</pre>
 *
 * <p>One home and as few servers as the scenarios allow serve the class: an {@code anchor} app on
 * the engine's shared variant (when a scenario needs one) and a {@code keeper} app on a dedicated
 * server, whose rows every crash must leave; the scenarios run in the order of {@link Scenario},
 * {@link Scenario#DESTROY} last, as it destroys the keeper.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class CrashScenarios {
    private static final String ENV = "production";
    private static final String KEEPER = "keeper";
    private static final String ANCHOR = "anchor";

    /** What a class runs; each kills one or more JVMs at named points, in this order. */
    public enum Scenario {
        /**
         * A create killed once the provider made the tenant (on the shared variant when the engine
         * has one): undone, and on a shared server created again.
         */
        CREATE("a create killed once its tenant is made is undone, and can be done again"),
        /** A create of a dedicated addon killed once its server runs, before its tenant: the server is removed. */
        CREATE_SERVER("a create killed once its dedicated server runs leaves no server"),
        /**
         * Points in core code alone, run for one engine: a destroy killed once marked, a state
         * write killed before its rename, a backup killed while archiving, a restore killed once
         * the archive is verified, a deploy killed while provisioning and once provisioned.
         */
        CORE("core's points: a destroy once marked, a state write, archiving, a verified restore, two of a deploy"),
        /** A backup killed once the provider has dumped: no archive, and it can be taken again. */
        BACKUP("a backup killed once dumped leaves no archive, and can be taken again"),
        /**
         * A restore killed at each of {@link #restorePoints()}: the data as before it (before the
         * swap) or as the backup has it (after), nothing of the restore left, and it can be done again.
         */
        RESTORE("a restore killed before or after its swap leaves the data as before or as after, and can be done"
                + " again"),
        /**
         * The keeper's stop killed once its server stopped (failed: its server is down, and a stop
         * again finishes it), its start once its server runs again (active, with its data).
         */
        STOP_START("a stop and a start killed halfway are consistent: failed, then active"),
        /** An up killed once it started the keeper's server again (killed behind addons' back): active. */
        UP("an up killed once it started a server again leaves it active"),
        /**
         * The keeper's move to the shared variant killed once the copy is made (undone: still
         * dedicated, the copy removed) and once switched (finished: shared, the old server removed).
         */
        MIGRATE("a move killed before its switch is undone, one killed after it is finished"),
        /** The keeper's destroy killed once its tenant or server is removed: finished. */
        DESTROY("a destroy killed once its tenant or server is removed is finished");

        private final String title;

        Scenario(String title) {
            this.title = title;
        }
    }

    private final EngineUnderTest engine;
    private final RuntimeUnderTest runtime;
    private final Set<Scenario> scenarios;
    /** The rows each app wrote before the crashes, which every reconcile must leave. */
    private final Map<String, Map<String, String>> kept = new LinkedHashMap<>();
    private Path home;
    private String shared;

    protected CrashScenarios(EngineUnderTest engine, RuntimeUnderTest runtime, Scenario... scenarios) {
        this.engine = Objects.requireNonNull(engine, "engine == null");
        this.runtime = Objects.requireNonNull(runtime, "runtime == null");
        this.scenarios = EnumSet.copyOf(Arrays.asList(scenarios));
    }

    /**
     * The points {@link Scenario#RESTORE} kills a restore at, in order; those before
     * {@code restore.swapped} must leave the data as it was. By default that one alone: the
     * provider's restore has returned, its data swapped in. An engine whose restore loads with a
     * tool first adds {@code tools.after.<tool>} (loaded, not swapped).
     */
    protected List<String> restorePoints() {
        return List.of("restore.swapped");
    }

    /**
     * Checks, with an app's variables, that no interrupted restore or move left anything on its
     * server (a scratch database); called after every reconcile for each active app whose rows are
     * kept. Nothing by default: what an engine leaves, and whether a tenant sees it, is its own.
     */
    protected void assertNoScratchLeft(Map<String, String> variables) throws Exception {
    }

    @BeforeAll
    void openAHomeWithAKeeperAndAnAnchor() throws Exception {
        runtime.requireAvailable();
        // A short path: engines put Unix sockets under it, and a socket's path has at most 107 bytes.
        home = Files.createTempDirectory("addons-");
        try (Addons addons = open()) {
            shared = addons.variants(engine.addon()).stream().filter(Variant::shared).map(Variant::name).findFirst()
                    .orElse(null);
            if (shared != null && (scenarios.contains(Scenario.CREATE) || scenarios.contains(Scenario.CORE)
                    || scenarios.contains(Scenario.MIGRATE))) {
                create(addons, ANCHOR, shared);
                keep(addons, ANCHOR, "anchor", "committed before every crash");
            }
            create(addons, KEEPER, Variant.DEFAULT);
            keep(addons, KEEPER, "before", "every crash");
        }
    }

    @AfterAll
    void destroyEverythingAndCheckNothingIsLeft() throws IOException {
        try {
            try (Addons addons = open()) {
                for (AddonRecord record : addons.listAll()) {
                    addons.app(record.app(), record.environment()).destroy(record.addon(), FinalBackup.SKIP);
                }
            }
            runtime.assertNothingLeft(home);
        } finally {
            runtime.close();
            TestFiles.deleteRecursively(home);
        }
    }

    @TestFactory
    Stream<DynamicTest> aJvmKilledAtANamedPointLeavesAHomeTheNextAddonsReconciles() {
        return scenarios.stream().map(scenario -> DynamicTest.dynamicTest(scenario.title, () -> {
            long began = System.nanoTime();
            switch (scenario) {
                case CREATE -> create();
                case CREATE_SERVER -> createServer();
                case CORE -> core();
                case BACKUP -> backup();
                case RESTORE -> restore();
                case STOP_START -> stopStart();
                case UP -> up();
                case MIGRATE -> migrate();
                case DESTROY -> destroy();
                default -> throw new IllegalStateException(scenario.name());
            }
            System.out.printf("crash scenario %s of %s on %s: %d ms%n", scenario, engine.addon(), runtime.name(),
                    (System.nanoTime() - began) / 1_000_000);
        }));
    }

    private void create() throws Exception {
        String variant = shared != null ? shared : Variant.DEFAULT;
        killAt("provision.tenantMade", "create", "fresh", engine.addon() + ":" + variant, runtime.version(engine));
        try (Addons later = open()) {
            assertThat(later.app("fresh", ENV).list()).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo(Status.FAILED);
                assertThat(r.message()).startsWith("interrupted while provisioning");
            });
            assertReconciled(later);
            if (shared == null) {
                // Its dedicated server is gone (checked above); a retry would be a create like any other.
                later.app("fresh", ENV).destroy(engine.addon(), FinalBackup.SKIP);
                return;
            }
            assertThat(create(later, "fresh", shared).status()).isEqualTo(Status.ACTIVE);
            keep(later, "fresh", "made", "after a crash");
        }
    }

    private void createServer() throws Exception {
        killAt("provision.serverReady", "create", "half", engine.addon() + ":" + Variant.DEFAULT,
                runtime.version(engine));
        try (Addons later = open()) {
            assertThat(later.app("half", ENV).list()).singleElement().extracting(AddonRecord::status)
                    .isEqualTo(Status.FAILED);
            assertReconciled(later);
            later.app("half", ENV).destroy(engine.addon(), FinalBackup.SKIP);
        }
    }

    private void core() throws Exception {
        try (Addons addons = open()) {
            create(addons, "gone", shared);
            create(addons, "torn", shared);
            keep(addons, "torn", "row", "still here");
        }
        killAt("destroy.marked", "destroy", "gone", engine.addon());
        // The destroy's first write, its DEPROVISIONING record, killed between fsync and rename.
        killAt("file.beforeRename", "destroy", "torn", engine.addon());
        try (Addons later = open()) {
            assertThat(later.app("gone", ENV).list()).as("after a kill at destroy.marked").isEmpty();
            assertThat(later.app("torn", ENV).list()).singleElement().extracting(AddonRecord::status)
                    .isEqualTo(Status.ACTIVE);
            assertReconciled(later);
            later.app("torn", ENV).destroy(engine.addon(), FinalBackup.SKIP);
            kept.remove("torn");
        }

        int backups = backupsOfKeeper();
        killAt("backup.archiving", "backup", KEEPER, engine.addon());
        Path archive;
        try (Addons later = open()) {
            assertThat(later.app(KEEPER, ENV).backups()).as("after a kill at backup.archiving").hasSize(backups);
            assertReconciled(later);
            archive = later.app(KEEPER, ENV).backup(engine.addon()).file();
            engine.writeKept(variables(later, KEEPER), "after-core-backup", "the backup");
            engine.checkpoint(variables(later, KEEPER));
        }
        killAt("restore.verified", "restore", KEEPER, engine.addon(), archive.toString());
        try (Addons later = open()) {
            assertThat(engine.readKept(variables(later, KEEPER), "after-core-backup"))
                    .as("after a kill at restore.verified")
                    .contains("the backup");
            assertReconciled(later);
        }

        Path file = Files.writeString(home.resolveSibling(home.getFileName() + "-deploy.toml"),
                "name = \"deployed\"\n[addons." + engine.addon() + "]\nvariant = \"" + shared + "\"\nversion = \""
                        + runtime.version(engine) + "\"\n");
        try {
            killAt("provision.serverReady", "deploy", file.toString());
            try (Addons later = open()) {
                assertThat(later.app("deployed", ENV).list()).singleElement().extracting(AddonRecord::status)
                        .isEqualTo(Status.FAILED);
                assertReconciled(later);
                assertThat(later.deploy(AppFile.read(file), ENV).active()).extracting(AddonRecord::status)
                        .containsExactly(Status.ACTIVE);
                keep(later, "deployed", "row", "written between two deploys");
            }
            killAt("deploy.provisioned", "deploy", file.toString());
            try (Addons later = open()) {
                assertReconciled(later);
                assertThat(later.deploy(AppFile.read(file), ENV).active()).extracting(AddonRecord::status)
                        .containsExactly(Status.ACTIVE);
                assertThat(engine.readKept(variables(later, "deployed"), "row")).contains("written between two deploys");
                later.app("deployed", ENV).destroy(engine.addon(), FinalBackup.SKIP);
                kept.remove("deployed");
            }
        } finally {
            Files.delete(file);
        }
    }

    private void backup() throws Exception {
        int backups = backupsOfKeeper();
        killAt("backup.dumped", "backup", KEEPER, engine.addon());
        try (Addons later = open()) {
            assertThat(later.app(KEEPER, ENV).backups()).as("after a kill at backup.dumped").hasSize(backups);
            assertReconciled(later);
            later.app(KEEPER, ENV).backup(engine.addon());
            assertThat(later.app(KEEPER, ENV).backups()).hasSize(backups + 1);
        }
    }

    private void restore() throws Exception {
        Path archive;
        try (Addons addons = open()) {
            archive = addons.app(KEEPER, ENV).backup(engine.addon()).file();
        }
        for (String point : restorePoints()) {
            boolean swapped = point.equals("restore.swapped");
            try (Addons addons = open()) {
                engine.writeKept(variables(addons, KEEPER), "after-backup", "the backup");
                engine.checkpoint(variables(addons, KEEPER));
            }
            killAt(point, "restore", KEEPER, engine.addon(), archive.toString());
            try (Addons later = open()) {
                assertThat(engine.readKept(variables(later, KEEPER), "after-backup")).as("after a kill at " + point)
                        .isEqualTo(swapped ? Optional.empty() : Optional.of("the backup"));
                assertReconciled(later);
            }
        }
        try (Addons later = open()) {
            engine.writeKept(variables(later, KEEPER), "after-backup", "the backup");
            later.app(KEEPER, ENV).restore(engine.addon(), archive, true);
            assertThat(engine.readKept(variables(later, KEEPER), "after-backup")).isEmpty();
            assertReconciled(later);
        }
    }

    private void stopStart() throws Exception {
        Map<String, String> before;
        try (Addons addons = open()) {
            before = variables(addons, KEEPER);
            engine.checkpoint(before);
        }
        killAt("stop.serverStopped", "stop", KEEPER, engine.addon());
        try (Addons later = open()) {
            // Its server is down and the stop was not recorded: failed, as any server found down is.
            assertThat(later.app(KEEPER, ENV).list()).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo(Status.FAILED);
                assertThat(r.message()).startsWith("its server ").endsWith(" is not running");
            });
            assertReconciled(later);
            assertThat(later.app(KEEPER, ENV).stop(engine.addon()).status()).isEqualTo(Status.STOPPED);
        }
        killAt("start.serverStarted", "start", KEEPER, engine.addon());
        try (Addons later = open()) {
            // Its server runs though the record says stopped: active.
            assertThat(later.app(KEEPER, ENV).list()).extracting(AddonRecord::status).containsExactly(Status.ACTIVE);
            assertThat(variables(later, KEEPER)).isEqualTo(before);
            assertReconciled(later);
        }
    }

    private void up() throws Exception {
        Map<String, String> before;
        try (Addons addons = open()) {
            before = variables(addons, KEEPER);
            engine.checkpoint(before);
            runtime.kill(home, addons.app(KEEPER, ENV).list().get(0));
            awaitStatus(addons, KEEPER, Status.FAILED);
        }
        killAt("start.serverStarted", "up");
        try (Addons later = open()) {
            assertThat(later.app(KEEPER, ENV).list()).extracting(AddonRecord::status).containsExactly(Status.ACTIVE);
            assertThat(variables(later, KEEPER)).isEqualTo(before);
            assertReconciled(later);
        }
    }

    private void migrate() throws Exception {
        Map<String, String> dedicated;
        try (Addons addons = open()) {
            dedicated = variables(addons, KEEPER);
        }
        killAt("migrate.targetMade", "migrate", KEEPER, engine.addon(), shared);
        try (Addons later = open()) {
            assertThat(later.app(KEEPER, ENV).list()).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo(Status.ACTIVE);
                assertThat(r.variant()).isEqualTo(Variant.DEFAULT);
            });
            assertThat(variables(later, KEEPER)).isEqualTo(dedicated);
            assertReconciled(later);
        }
        // Not refused as "moving already": the interrupted move is gone.
        killAt("migrate.switched", "migrate", KEEPER, engine.addon(), shared);
        try (Addons later = open()) {
            assertThat(later.app(KEEPER, ENV).list()).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo(Status.ACTIVE);
                assertThat(r.variant()).isEqualTo(shared);
            });
            assertThat(engine.endpoint(variables(later, KEEPER))).isEqualTo(engine.endpoint(variables(later, ANCHOR)))
                    .isNotEqualTo(engine.endpoint(dedicated));
            assertReconciled(later);
        }
    }

    private void destroy() throws Exception {
        boolean onShared;
        try (Addons addons = open()) {
            onShared = addons.app(KEEPER, ENV).list().get(0).variant().equals(shared);
        }
        String point = onShared ? "destroy.tenantRemoved" : "server.destroyed";
        killAt(point, "destroy", KEEPER, engine.addon());
        kept.remove(KEEPER);
        try (Addons later = open()) {
            assertThat(later.app(KEEPER, ENV).list()).as("after a kill at " + point).isEmpty();
            assertReconciled(later);
            if (onShared) {
                // Made again on the shared server: a new, empty tenant, not the old one's data.
                create(later, KEEPER, shared);
                engine.writeKept(variables(later, KEEPER), "made", "again");
                assertThat(engine.readKept(variables(later, KEEPER), "before")).isEmpty();
                later.app(KEEPER, ENV).destroy(engine.addon(), FinalBackup.SKIP);
            }
        }
    }

    /**
     * What every crash must leave: state that parses, addons at rest with no move under way, the
     * servers the home records and no other, no temporary file or restore marker, every kept row.
     */
    private void assertReconciled(Addons addons) throws Exception {
        List<AddonRecord> all = addons.listAll(); // Parses every state file; a corrupt one throws.
        assertThat(all).allSatisfy(r -> assertThat(r.status()).as(r.id()).isIn(Status.ACTIVE, Status.FAILED,
                Status.STOPPED));
        StateStore store = new StateStore(home);
        assertThat(store.addons()).as("moves under way").allSatisfy(s -> assertThat(s.migration())
                .as(s.record().id()).isNull());
        Set<String> recorded = store.servers().stream().map(ServerState::serverId).collect(Collectors.toSet());
        assertThat(recorded).as("recorded servers").containsAll(store.addons().stream().map(AddonState::serverId)
                .filter(Objects::nonNull).toList());
        assertThat(runtime.serversOf(home)).as("the servers the " + runtime.name() + " runtime holds")
                .containsExactlyInAnyOrderElementsOf(recorded);
        // Not under servers/: the running engines write and delete their own files there meanwhile.
        List<String> temporary = new ArrayList<>();
        Files.walkFileTree(home, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                return dir.equals(home.resolve("servers")) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (file.getFileName().toString().endsWith(".tmp")) {
                    temporary.add(home.relativize(file).toString());
                }
                return FileVisitResult.CONTINUE;
            }
        });
        assertThat(temporary).as("temporary files").isEmpty();
        Path markers = home.resolve("backups").resolve(".restores");
        if (Files.isDirectory(markers)) {
            try (Stream<Path> left = Files.list(markers)) {
                assertThat(left).as("restores in progress").isEmpty();
            }
        }
        for (Map.Entry<String, Map<String, String>> app : kept.entrySet()) {
            if (addons.app(app.getKey(), ENV).list().get(0).status() != Status.ACTIVE) {
                continue; // Down (failed, stopped): its rows are read once it is back.
            }
            Map<String, String> vars = variables(addons, app.getKey());
            assertNoScratchLeft(vars);
            for (Map.Entry<String, String> row : app.getValue().entrySet()) {
                assertThat(engine.readKept(vars, row.getKey())).as(app.getKey() + "'s " + row.getKey())
                        .contains(row.getValue());
            }
        }
    }

    private void killAt(String point, String... command) throws Exception {
        String[] args = new String[command.length + 1];
        args[0] = "--runtime=" + runtime.name();
        System.arraycopy(command, 0, args, 1, command.length);
        OtherJvm.killAt(point, home, args);
    }

    private int backupsOfKeeper() {
        try (Addons addons = open()) {
            return addons.app(KEEPER, ENV).backups().size();
        }
    }

    private void keep(Addons addons, String app, String key, String value) throws Exception {
        Map<String, String> vars = variables(addons, app);
        engine.writeKept(vars, key, value);
        engine.checkpoint(vars);
        kept.computeIfAbsent(app, a -> new LinkedHashMap<>()).put(key, value);
    }

    /** Waits, a minute at most, until the app's addon is {@code status} (a killed container dies a moment later). */
    private static void awaitStatus(Addons addons, String app, Status status) {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (addons.app(app, ENV).list().get(0).status() != status) {
            assertThat(deadline - System.nanoTime()).as(app + " " + status + " within a minute").isPositive();
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    private AddonRecord create(Addons addons, String app, String variant) {
        return addons.app(app, ENV).create(AddonSpec.of(engine.addon()).withVariant(variant)
                .withVersion(runtime.version(engine)));
    }

    private static Map<String, String> variables(Addons addons, String app) {
        return addons.app(app, ENV).env().toMap();
    }

    private Addons open() {
        return Addons.builder().home(home).runtime(runtime.name()).automaticBackups(false).build();
    }
}
