package dev.addons.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonException;
import dev.addons.api.AddonSpec;
import dev.addons.api.Status;
import dev.addons.core.Addons;
import dev.addons.core.BackupInfo;
import dev.addons.testkit.ServerProcesses;
import dev.addons.testkit.SmallDisk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills up in the middle of a backup, a restore and a state write, on a real shared
 * PostgreSQL 15 (process runtime) with a small tmpfs where the bytes go: each fails saying "No
 * space left on device", leaves no partial archive, scratch database or state file, keeps the
 * addon's data and record as they were, and works once space is freed. Needs root to mount (CI).
 */
class FullDiskTest {
    private static final String SHARED = "postgresql:shared";

    @TempDir
    Path home;

    @BeforeEach
    void theEngineUserPassesThroughToTheSmallDisk() throws Exception {
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx--x--x"));
    }

    @Test
    void aBackupThatFillsTheDiskFailsLeavingNoArchiveAndTheAddonUntouched() throws Exception {
        try (SmallDisk backups = SmallDisk.mount(home.resolve("backups"), "1m")) {
            try (Addons addons = open(home)) {
                addons.app("shop", "production").create(AddonSpec.parse(SHARED).withVersion("15"));
                // About 3.3 MB of hex text: more than the 1 MB disk holds, compressed or not.
                execute(addons, "shop", "create table orders (v text)",
                        "insert into orders select md5(random()::text) from generate_series(1, 100000)");

                assertThatThrownBy(() -> addons.app("shop", "production").backup("postgresql"))
                        .isInstanceOf(AddonException.class)
                        .hasMessageContaining("No space left on device");

                assertThat(regularFiles(backups.path())).as("files left on the full backup disk").isEmpty();
                assertThat(addons.app("shop", "production").backups()).isEmpty();
                assertThat(addons.app("shop", "production").list()).singleElement()
                        .satisfies(r -> assertThat(r.status()).isEqualTo(Status.ACTIVE));
                assertThat(count(addons, "shop")).isEqualTo(100_000);
            }
        }
        try (Addons addons = open(home)) {
            BackupInfo taken = addons.app("shop", "production").backup("postgresql");
            assertThat(addons.app("shop", "production").backups()).singleElement()
                    .satisfies(b -> assertThat(b.file()).isEqualTo(taken.file()));
            addons.app("shop", "production").destroy("postgresql");
        }
        assertThat(ServerProcesses.under(home)).isEmpty();
    }

    @Test
    void aRestoreThatFillsTheServersDiskFailsAndTheDataIsAsItWas() throws Exception {
        // The servers' disk fills, not the backups' (whose room a restore checks before it begins).
        try (SmallDisk servers = SmallDisk.mount(home.resolve("servers"), "200m")) {
            try (Addons addons = open(home)) {
                addons.app("shop", "production").create(AddonSpec.parse(SHARED).withVersion("15"));
                execute(addons, "shop", "create table orders (v text)",
                        "insert into orders select md5(random()::text) from generate_series(1, 1000)");
                BackupInfo backup = addons.app("shop", "production").backup("postgresql");
                execute(addons, "shop", "insert into orders select md5(random()::text) from generate_series(1, 1000)");
                List<String> databases = databases(addons, "shop");

                Path filler = servers.fill("filler", 1024 * 1024);
                assertThatThrownBy(() -> addons.app("shop", "production").restore("postgresql", backup.file(), true))
                        .isInstanceOf(AddonException.class)
                        .hasMessageContaining("No space left on device");
                Files.delete(filler);

                assertThat(addons.app("shop", "production").list()).singleElement()
                        .satisfies(r -> assertThat(r.status()).isEqualTo(Status.ACTIVE));
                assertThat(count(addons, "shop")).as("rows after the failed restore").isEqualTo(2000);
                assertThat(databases(addons, "shop")).as("databases after the failed restore")
                        .containsExactlyInAnyOrderElementsOf(databases);

                addons.app("shop", "production").restore("postgresql", backup.file(), true);
                assertThat(count(addons, "shop")).as("rows after the restore with room").isEqualTo(1000);
                addons.app("shop", "production").destroy("postgresql");
            }
            assertThat(ServerProcesses.under(home)).isEmpty();
        }
    }

    @Test
    void aStateWriteOnAFullDiskRefusesTheChangeAndKeepsEveryRecordAndRow() throws Exception {
        SmallDisk state = SmallDisk.mount(home.resolve("state"), "1m");
        try (state) {
            List<String> databases;
            try (Addons addons = open(home)) {
                addons.app("kept", "production").create(AddonSpec.parse(SHARED).withVersion("15"));
                execute(addons, "kept", "create table orders (v text)", "insert into orders values ('kept')");
                databases = databases(addons, "kept");

                Path filler = state.fill("filler", 0);
                assertThatThrownBy(() -> addons.app("refused", "production").create(
                        AddonSpec.parse(SHARED).withVersion("15")))
                        .hasMessageContaining("No space left on device");
                assertThatThrownBy(() -> addons.app("kept", "production").destroy("postgresql"))
                        .hasMessageContaining("No space left on device");

                assertThat(databases(addons, "kept")).as("databases on the server after both refusals")
                        .containsExactlyInAnyOrderElementsOf(databases);
                assertThat(count(addons, "kept")).isEqualTo(1);
                Files.delete(filler);
            }
            try (Addons later = open(home)) {
                assertThat(later.app("refused", "production").list()).isEmpty();
                assertThat(later.app("kept", "production").list()).singleElement()
                        .satisfies(r -> assertThat(r.status()).isEqualTo(Status.ACTIVE));
                assertThat(count(later, "kept")).isEqualTo(1);
                later.app("refused", "production").create(AddonSpec.parse(SHARED).withVersion("15"));
                later.app("refused", "production").destroy("postgresql");
                later.app("kept", "production").destroy("postgresql");
            }
        }
        assertThat(ServerProcesses.under(home)).isEmpty();
    }

    private static Addons open(Path home) {
        return Addons.builder().home(home).runtime("process").automaticBackups(false).build();
    }

    private static List<Path> regularFiles(Path directory) throws Exception {
        try (Stream<Path> paths = Files.walk(directory)) {
            return paths.filter(Files::isRegularFile).toList();
        }
    }

    private static void execute(Addons addons, String app, String... statements) throws SQLException {
        try (Connection c = connect(addons, app); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private static long count(Addons addons, String app) throws SQLException {
        try (Connection c = connect(addons, app); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from orders")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every database of the server, as any role may list them. */
    private static List<String> databases(Addons addons, String app) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = connect(addons, app); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select datname from pg_database")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static Connection connect(Addons addons, String app) throws SQLException {
        Map<String, String> vars = addons.app(app, "production").env().toMap();
        Properties props = new Properties();
        props.setProperty("user", vars.get("PGUSER"));
        props.setProperty("password", vars.get("PGPASSWORD"));
        return DriverManager.getConnection("jdbc:postgresql://" + vars.get("PGHOST") + ":" + vars.get("PGPORT") + "/"
                + vars.get("PGDATABASE"), props);
    }
}
