package dev.addons.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.Status;
import dev.addons.core.Addons;
import dev.addons.core.BackupInfo;
import dev.addons.testkit.OtherJvm;
import dev.addons.testkit.ServerProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety on a real PostgreSQL 15 (process runtime): another JVM on the same home is killed
 * with SIGKILL at a named crash point in the middle of a destroy, a deploy, a backup, a restore or
 * a state write, and a new {@link Addons} on the home must reconcile: nothing half-made running
 * or on disk (no stray server, process, temporary file or scratch database), no ACTIVE addon lost
 * a row, every state file parses, and the interrupted operation can be done again. One shared
 * server serves the class, kept up by an app whose row is checked after every crash.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrashSafetyTest {
    private static final String SHARED = "postgresql:shared";

    @TempDir
    static Path home;

    @BeforeAll
    void anAppWithARowKeepsTheSharedServerUp() throws SQLException {
        try (Addons addons = open()) {
            addons.create("anchor", "production", AddonSpec.parse(SHARED).withVersion("15"));
            write(addons, "anchor", "committed before every crash");
        }
    }

    @AfterAll
    void destroyEverythingAndCheckNothingIsLeft() throws IOException {
        try (Addons addons = open()) {
            for (AddonRecord record : addons.listAll()) {
                addons.destroy(record.app(), record.environment(), record.addon());
            }
        }
        assertThat(ServerProcesses.under(home)).isEmpty();
        try (Stream<Path> servers = Files.list(home.resolve("servers"))) {
            assertThat(servers).isEmpty();
        }
    }

    @Test
    void aDestroyKilledAtAnyPointIsFinishedByTheNextStart() throws Exception {
        for (String point : List.of("destroy.marked", "destroy.tenantRemoved")) {
            try (Addons addons = open()) {
                addons.create("gone", "production", AddonSpec.parse(SHARED).withVersion("15"));
                write(addons, "gone", "to be deleted");
            }

            OtherJvm.killAt(point, home, "destroy", "gone", "postgresql");

            try (Addons later = open()) {
                assertThat(later.list("gone", "production")).as("after a kill at " + point).isEmpty();
                assertThat(databases(later)).as("after a kill at " + point).doesNotContain("gone");
                assertReconciled(later);
            }
        }
    }

    @Test
    void aDedicatedServerKilledWhileBeingDestroyedLeavesNoDirectoryNorProcess() throws Exception {
        Path directory;
        try (Addons addons = open()) {
            AddonRecord record = addons.create("solo", "production", AddonSpec.of("postgresql").withVersion("15"));
            directory = home.resolve("servers").resolve(record.id());
        }

        OtherJvm.killAt("server.destroyed", home, "destroy", "solo", "postgresql");

        try (Addons later = open()) {
            assertThat(later.list("solo", "production")).isEmpty();
            assertThat(directory).doesNotExist();
            assertThat(ServerProcesses.under(directory)).isEmpty();
            assertReconciled(later);
        }
    }

    @Test
    void aStateWriteKilledBeforeItsRenameLeavesTheLastGoodStateAndNoTemporaryFile() throws Exception {
        try (Addons addons = open()) {
            addons.create("torn", "production", AddonSpec.parse(SHARED).withVersion("15"));
            write(addons, "torn", "still here");
        }

        // The destroy's first write, its DEPROVISIONING record, is killed between fsync and rename.
        OtherJvm.killAt("file.beforeRename", home, "destroy", "torn", "postgresql");

        try (Addons later = open()) {
            assertThat(later.list("torn", "production")).singleElement()
                    .satisfies(r -> assertThat(r.status()).isEqualTo(Status.ACTIVE));
            assertThat(read(later, "torn")).containsExactly("still here");
            assertReconciled(later);
            later.destroy("torn", "production", "postgresql");
        }
    }

    @Test
    void aDeployKilledWhileProvisioningOrAfterIsRetriedAndKeepsTheRowsOfWhatWasActive() throws Exception {
        Path file = home.resolveSibling(home.getFileName() + "-deploy.toml");
        Files.writeString(file, "name = \"deployed\"\n[addons.postgresql]\nvariant = \"shared\"\nversion = \"15\"\n");

        OtherJvm.killAt("provision.serverReady", home, "deploy", file.toString());
        try (Addons later = open()) {
            assertThat(later.list("deployed", "production")).singleElement()
                    .satisfies(r -> assertThat(r.status()).isEqualTo(Status.FAILED));
            assertThat(databases(later)).doesNotContain("deployed");
            assertReconciled(later);
        }
        assertThat(OtherJvm.run(home, "deploy", file.toString())).singleElement().asString()
                .startsWith("postgresql ACTIVE shared ");
        try (Addons addons = open()) {
            write(addons, "deployed", "written between two deploys");
        }

        OtherJvm.killAt("deploy.provisioned", home, "deploy", file.toString());
        try (Addons later = open()) {
            assertThat(later.list("deployed", "production")).singleElement()
                    .satisfies(r -> assertThat(r.status()).isEqualTo(Status.ACTIVE));
            assertThat(read(later, "deployed")).containsExactly("written between two deploys");
            assertReconciled(later);
        }
        assertThat(OtherJvm.run(home, "deploy", file.toString())).singleElement().asString()
                .startsWith("postgresql ACTIVE shared ");
        try (Addons later = open()) {
            assertThat(read(later, "deployed")).containsExactly("written between two deploys");
            later.destroy("deployed", "production", "postgresql");
        }
        Files.delete(file);
    }

    @Test
    void aBackupKilledAtAnyPointLeavesNoArchiveNorScratchFileAndCanBeTakenAgain() throws Exception {
        try (Addons addons = open()) {
            addons.create("saved", "production", AddonSpec.parse(SHARED).withVersion("15"));
            write(addons, "saved", "backed up");
        }
        for (String point : List.of("backup.dumped", "backup.archiving")) {
            OtherJvm.killAt(point, home, "backup", "saved", "postgresql");

            try (Addons later = open()) {
                assertThat(later.backups("saved", "production")).as("after a kill at " + point).isEmpty();
                assertReconciled(later);
            }
        }
        OtherJvm.run(home, "backup", "saved", "postgresql");
        try (Addons later = open()) {
            assertThat(later.backups("saved", "production")).hasSize(1);
            assertThat(read(later, "saved")).containsExactly("backed up");
            later.destroy("saved", "production", "postgresql");
        }
    }

    @Test
    void aRestoreKilledAtAnyPointLeavesTheDataAsItWasAndNoScratchDatabaseAndCanBeDoneAgain() throws Exception {
        Path archive;
        try (Addons addons = open()) {
            addons.create("restored", "production", AddonSpec.parse(SHARED).withVersion("15"));
            write(addons, "restored", "in the backup");
            BackupInfo backup = addons.backup("restored", "production", "postgresql");
            archive = backup.file();
            write(addons, "restored", "after the backup");
        }
        for (String point : List.of("restore.verified", "tools.after.pg_restore")) {
            OtherJvm.killAt(point, home, "restore", "restored", "postgresql", archive.toString());

            try (Addons later = open()) {
                assertThat(read(later, "restored")).as("after a kill at " + point)
                        .containsExactly("in the backup", "after the backup");
                assertReconciled(later);
            }
        }
        OtherJvm.run(home, "restore", "restored", "postgresql", archive.toString());
        try (Addons later = open()) {
            assertThat(read(later, "restored")).containsExactly("in the backup");
            assertReconciled(later);
            later.destroy("restored", "production", "postgresql");
        }
    }

    /**
     * What every crash must leave: the anchor's row, state that parses, servers that run and
     * nothing else in {@code servers/}, no temporary file, no scratch database.
     */
    private static void assertReconciled(Addons addons) throws Exception {
        assertThat(read(addons, "anchor")).containsExactly("committed before every crash");
        List<AddonRecord> all = addons.listAll(); // Parses every state file; a corrupt one throws.
        assertThat(all).allSatisfy(r -> assertThat(r.status()).isIn(Status.ACTIVE, Status.FAILED));
        try (Stream<Path> files = Files.walk(home)) {
            assertThat(files.map(p -> home.relativize(p).toString())
                    .filter(p -> !p.startsWith("servers/") && p.endsWith(".tmp")))
                    .as("temporary files").isEmpty();
        }
        Path marker = home.resolve("backups").resolve(".restores");
        if (Files.isDirectory(marker)) {
            try (Stream<Path> markers = Files.list(marker)) {
                assertThat(markers).as("restores in progress").isEmpty();
            }
        }
        Set<String> serverIds = all.stream().filter(r -> r.status() == Status.ACTIVE)
                .map(r -> r.variant().equals("shared") ? "postgresql-shared-15" : r.id()).collect(Collectors.toSet());
        try (Stream<Path> servers = Files.list(home.resolve("servers"))) {
            assertThat(servers.map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(serverIds);
        }
        assertThat(databases(addons)).noneMatch(d -> d.startsWith("addons-"));
    }

    private static Addons open() {
        return Addons.builder().home(home).runtime("process").automaticBackups(false).build();
    }

    private static void write(Addons addons, String app, String value) throws SQLException {
        try (Connection c = connect(addons, app); Statement s = c.createStatement()) {
            s.execute("create table if not exists kept (v text)");
            s.execute("insert into kept values ('" + value + "')");
        }
    }

    private static List<String> read(Addons addons, String app) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = connect(addons, app); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select v from kept order by ctid")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    /** The databases of the shared server, as the anchor app sees them. */
    private static List<String> databases(Addons addons) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = connect(addons, "anchor"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select datname from pg_database")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static Connection connect(Addons addons, String app) throws SQLException {
        Map<String, String> vars = addons.env(app, "production").toMap();
        Properties props = new Properties();
        props.setProperty("user", vars.get("PGUSER"));
        props.setProperty("password", vars.get("PGPASSWORD"));
        return DriverManager.getConnection("jdbc:postgresql://" + vars.get("PGHOST") + ":" + vars.get("PGPORT") + "/"
                + vars.get("PGDATABASE"), props);
    }
}
