package dev.addons.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.ProvisioningException;
import dev.addons.api.Status;
import dev.addons.core.Addons;
import dev.addons.testkit.ServerProcesses;
import dev.addons.testkit.SmallDisk;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults of the engine's surroundings on a real PostgreSQL 15 (process runtime): a server killed
 * behind addons' back, whose port another program takes before the user restarts it; a server
 * stopped (SIGSTOP) behind its back; a home on a full disk.
 */
class EngineFaultsTest {
    @TempDir
    Path home;

    @Test
    void aServerKilledBehindOurBackIsReportedAndRestartedWithItsDataOnAnotherPortWhenItsOwnIsTaken()
            throws Exception {
        AddonRecord record;
        int port;
        try (Addons addons = open(home)) {
            record = addons.app("victim", "production").create(AddonSpec.of("postgresql").withVersion("15"));
            port = Integer.parseInt(addons.app("victim", "production").env().get("PGPORT").orElseThrow());
            execute(addons, "create table kept (v text)", "insert into kept values ('before the kill')");
        }
        Path directory = home.resolve("servers").resolve(record.id());
        killEverythingUnder(directory);

        try (ServerSocket squatter = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"));
                Addons later = open(home)) {
            AddonRecord seen = later.app("victim", "production").list().get(0);
            assertThat(seen.status()).isEqualTo(Status.FAILED);
            assertThat(seen.message()).isEqualTo("its server " + record.id() + " is not running");
            assertThatThrownBy(() -> later.app("victim", "production").env())
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessage("postgresql of victim/production is failed: its server " + record.id()
                            + " is not running");

            AddonRecord restarted = later.app("victim", "production").restart("postgresql");

            assertThat(restarted.status()).isEqualTo(Status.ACTIVE);
            assertThat(later.app("victim", "production").list().get(0).status()).isEqualTo(Status.ACTIVE);
            assertThat(later.app("victim", "production").env().get("PGPORT")).isPresent().get()
                    .as("another port than the one taken").isNotEqualTo(Integer.toString(squatter.getLocalPort()));
            assertThat(read(later)).isEqualTo("before the kill");
            assertThat(later.app("victim", "production").health()).singleElement()
                    .satisfies(h -> assertThat(h.healthy()).as(h.detail()).isTrue());
            later.app("victim", "production").destroy("postgresql");
        }
        assertThat(ServerProcesses.under(directory)).isEmpty();
    }

    @Test
    void aServerStoppedBehindOurBackIsReportedByTheHealthCheckAndRestartedWithItsData() throws Exception {
        try (Addons addons = open(home)) {
            AddonRecord record = addons.app("victim", "production")
                    .create(AddonSpec.of("postgresql").withVersion("15"));
            execute(addons, "create table kept (v text)", "insert into kept values ('before the stop')");
            List<Long> pids = ServerProcesses.under(home.resolve("servers").resolve(record.id()));
            signal("STOP", pids);
            try {
                assertThat(addons.app("victim", "production").list().get(0).status()).isEqualTo(Status.ACTIVE);
                assertThat(addons.app("victim", "production").health()).singleElement().satisfies(h -> {
                    assertThat(h.healthy()).isFalse();
                    assertThat(h.detail()).startsWith("its server " + record.id() + ": its engine (pid ")
                            .endsWith(") is stopped (SIGSTOP): it accepts connections but answers none. Restart it,"
                                    + " or send it SIGCONT");
                });

                addons.app("victim", "production").restart("postgresql");
            } finally {
                signal("CONT", pids); // Whatever the restart left of them may then end.
            }

            assertThat(addons.app("victim", "production").health()).singleElement()
                    .satisfies(h -> assertThat(h.healthy()).as(h.detail()).isTrue());
            assertThat(read(addons)).isEqualTo("before the stop");
            addons.app("victim", "production").destroy("postgresql");
        }
    }

    private static void signal(String signal, List<Long> pids) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("kill", "-" + signal));
        pids.forEach(pid -> command.add(Long.toString(pid)));
        Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
        kill.getInputStream().readAllBytes();
        kill.waitFor();
    }

    private static String read(Addons addons) throws SQLException {
        try (Connection c = connect(addons); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select v from kept")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    @Test
    void aHomeOnAFullDiskFailsProvisioningSayingSoAndLeavesNoServerBehind() throws Exception {
        // As root, the engine user passes through the test's directory to the home on the small disk.
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        try (SmallDisk disk = SmallDisk.mount(home.resolve("small-disk"), "8m")) {
            Path full = disk.path().resolve("home");
            try (Addons addons = open(full)) {
                assertThatThrownBy(() -> addons.app("big", "production").create(
                        AddonSpec.of("postgresql").withVersion("15")))
                        .isInstanceOf(ProvisioningException.class)
                        .hasMessageContaining("No space left on device");
                assertThat(addons.app("big", "production").list()).singleElement()
                        .satisfies(r -> assertThat(r.status()).isEqualTo(Status.FAILED))
                        .satisfies(r -> assertThat(r.message()).contains("No space left on device"));
                addons.app("big", "production").destroy("postgresql");
            }
            assertThat(ServerProcesses.under(full)).isEmpty();
            try (Stream<Path> servers = Files.list(full.resolve("servers"))) {
                assertThat(servers).as("server directories on the full disk").isEmpty();
            }
        }
    }

    private static Addons open(Path home) {
        return Addons.builder().home(home).runtime("process").automaticBackups(false).build();
    }

    /** SIGKILL to the server and its children, as an administrator or the OOM killer would. */
    private static void killEverythingUnder(Path directory) throws IOException, InterruptedException {
        List<Long> pids = ServerProcesses.under(directory);
        assertThat(pids).as("the server's processes").isNotEmpty();
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
        }
    }

    private static void execute(Addons addons, String... statements) throws SQLException {
        try (Connection c = connect(addons); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private static Connection connect(Addons addons) throws SQLException {
        Map<String, String> vars = addons.app("victim", "production").env().toMap();
        Properties props = new Properties();
        props.setProperty("user", vars.get("PGUSER"));
        props.setProperty("password", vars.get("PGPASSWORD"));
        return DriverManager.getConnection("jdbc:postgresql://" + vars.get("PGHOST") + ":" + vars.get("PGPORT") + "/"
                + vars.get("PGDATABASE"), props);
    }
}
