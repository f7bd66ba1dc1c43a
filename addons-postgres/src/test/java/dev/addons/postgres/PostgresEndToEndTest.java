package dev.addons.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.Credentials;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.Status;
import dev.addons.core.Addons;
import dev.addons.core.Environment;
import dev.addons.core.PooledDataSource;
import dev.addons.core.Subscription;
import dev.addons.testkit.Loopback;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole SDK against real PostgreSQL 15 servers on the process runtime: the facade, the state
 * store, the runtime and the provider, connected to with pgjdbc using only injected variables.
 * One home (and so one shared server) serves the class; each test uses its own apps. The
 * behaviours every engine shows on every runtime (a killed server, deploy, restart, ...) are in
 * {@link PostgresOnProcessTest} and {@link PostgresOnContainerTest}; these are PostgreSQL's own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresEndToEndTest {
    @TempDir
    static Path home;

    Addons addons;
    final List<String> transitions = new ArrayList<>();

    @BeforeAll
    void open() {
        addons = Addons.builder().home(home).runtime("process")
                .listener((r, from) -> {
                    synchronized (transitions) {
                        transitions.add(r.app() + "/" + r.environment() + ":" + from + "->" + r.status());
                    }
                })
                .build();
    }

    @AfterAll
    void destroyEverythingAndCheckNothingIsLeft() throws IOException {
        for (AddonRecord record : addons.listAll()) {
            addons.app(record.app(), record.environment()).destroy(record.addon());
        }
        addons.close();
        assertThat(postgresProcessesUnder(home)).isEmpty();
        try (Stream<Path> servers = Files.list(Files.createDirectories(home.resolve("servers")))) {
            assertThat(servers).isEmpty();
        }
    }

    @Test
    void aDedicatedServerReachesActiveAndServesRealWorkThroughHikariCp() throws SQLException {
        AddonRecord record = addons.app("blog", "production").create(AddonSpec.of("postgresql").withVersion("15"));

        assertThat(record.status()).isEqualTo(Status.ACTIVE);
        assertThat(record.variant()).isEqualTo("small");
        synchronized (transitions) {
            assertThat(transitions).containsSubsequence("blog/production:null->PENDING",
                    "blog/production:PENDING->PROVISIONING", "blog/production:PROVISIONING->ACTIVE");
        }
        Credentials vars = addons.app("blog", "production").env();
        assertThat(vars.toMap().keySet())
                .containsExactly("DATABASE_URL", "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE");
        assertThat(vars.get("PGHOST")).contains("127.0.0.1");

        try (PooledDataSource pool = Environment.of("production", vars.toMap()).dataSource();
                Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("create table posts (id serial primary key, title text not null)");
            s.execute("insert into posts (title) values ('hello'), ('world')");
            try (ResultSet rs = s.executeQuery("select count(*), current_user, current_database(), "
                    + "current_setting('server_version_num') from posts")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(2);
                assertThat(rs.getString(2)).isEqualTo(vars.get("PGUSER").orElseThrow());
                assertThat(rs.getString(3)).isEqualTo(vars.get("PGDATABASE").orElseThrow());
                assertThat(rs.getString(4)).startsWith("15");
            }
        }

        int port = Integer.parseInt(vars.get("PGPORT").orElseThrow());
        Path serverDir = home.resolve("servers").resolve(record.id());
        assertThat(serverDir).isDirectory();
        addons.app("blog", "production").destroy("postgresql");
        assertThat(Loopback.isListening(port)).isFalse();
        assertThat(serverDir).doesNotExist();
        assertThat(postgresProcessesUnder(serverDir)).isEmpty();
        assertThat(addons.app("blog", "production").list()).isEmpty();
    }

    @Test
    void aDeployRemovesNothingThatHoldsDataUnlessItPrunesAndThenAfterAFinalBackup() throws SQLException {
        dev.addons.core.AppFile declared = dev.addons.core.AppFile.parse("name = \"shop\"\n[addons.postgresql]\n"
                + "variant = \"shared\"\nversion = \"15\"\n", "addons.toml");
        dev.addons.core.AppFile neither = dev.addons.core.AppFile.parse("name = \"shop\"\n", "addons.toml");
        addons.deploy(declared, "production");

        assertThat(addons.deploy(neither, "production").destroyed()).as("an empty database is no data to keep")
                .singleElement().extracting(AddonRecord::message).isEqualTo("no final backup: it held no data to keep");

        addons.deploy(declared, "production");
        try (Connection c = connect(addons.app("shop", "production").env().toMap(), "shop");
                Statement sql = c.createStatement()) {
            sql.execute("create table orders (item text)");
            sql.execute("insert into orders values ('tea')");
        }

        dev.addons.core.DeployResult kept = addons.deploy(neither, "production");

        assertThat(kept.destroyed()).isEmpty();
        assertThat(kept.kept()).extracting(AddonRecord::addon).containsExactly("postgresql");
        assertThat(addons.app("shop", "production").list()).extracting(AddonRecord::addon, AddonRecord::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("postgresql", Status.ACTIVE));
        assertThat(addons.app("shop", "production").backups()).isEmpty();

        dev.addons.core.DeployResult pruned = addons.deploy(neither, "production", dev.addons.core.Removals.PRUNE);

        assertThat(pruned.destroyed()).singleElement().satisfies(r -> assertThat(r.message())
                .startsWith("its final backup: " + home.resolve("backups/shop/production/postgresql")));
        assertThat(addons.app("shop", "production").list()).isEmpty();
        dev.addons.core.BackupInfo last = addons.app("shop", "production").backups().get(0);
        assertThat(last.trigger()).isEqualTo(dev.addons.core.BackupInfo.FINAL);
        addons.app("shop", "production").restore(AddonSpec.of("postgresql"), last.file());
        try (Connection c = connect(addons.app("shop", "production").env().toMap(), "shop");
                Statement sql = c.createStatement();
                ResultSet rs = sql.executeQuery("select item from orders")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("tea");
        }
        assertThat(addons.app("shop", "production").list()).singleElement().extracting(AddonRecord::variant)
                .as("the backup's variant").isEqualTo("shared");
        // The class's other tests expect the shared server to stop with its last tenant.
        addons.app("shop", "production").destroy("postgresql", dev.addons.core.FinalBackup.SKIP);
    }

    @Test
    void aServerWhoseDataWasDeletedBehindOurBackIsMadeAnewAndTheRecordSaysSo() throws Exception {
        AddonRecord record = addons.app("gone", "production").create(AddonSpec.of("postgresql").withVersion("15"));
        Path serverDir = home.resolve("servers").resolve(record.id());
        ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains(serverDir + "/"))
                .orElse(false)).forEach(ProcessHandle::destroyForcibly);
        awaitNoPostgresUnder(serverDir);
        try (Stream<Path> files = Files.walk(serverDir.resolve("data"))) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }

        try (Addons later = Addons.builder().home(home).runtime("process").build()) {
            java.util.List<String> seen = new java.util.ArrayList<>();
            try (Subscription ignored = later.onTransition((r, from) -> seen.add(from + "->" + r.status() + ": "
                    + r.message()))) {
                AddonRecord again = later.app("gone", "production")
                        .create(AddonSpec.of("postgresql").withVersion("15"));
                assertThat(again.status()).isEqualTo(Status.ACTIVE);
            }
            assertThat(seen).as("transitions").contains("FAILED->PENDING: making it anew, empty: the data of server "
                    + record.id() + " is gone (its directory or volume was deleted outside addons), so it cannot be"
                    + " started again on it");
            assertThat(later.app("gone", "production").list().get(0).id()).as("the same record").isEqualTo(record.id());
        }
    }

    @Test
    void twoAppsOnTheSharedServerCannotReachEachOthersDatabase() throws SQLException {
        addons.app("alpha", "production").create(AddonSpec.parse("postgresql:shared").withVersion("15"));
        addons.app("beta", "production").create(AddonSpec.parse("postgresql:shared").withVersion("15"));
        Map<String, String> alpha = addons.app("alpha", "production").env().toMap();
        Map<String, String> beta = addons.app("beta", "production").env().toMap();

        assertThat(alpha.get("PGPORT")).isEqualTo(beta.get("PGPORT"));
        assertThat(alpha.get("PGDATABASE")).isNotEqualTo(beta.get("PGDATABASE"));
        try (Connection c = connect(alpha, alpha.get("PGDATABASE")); Statement s = c.createStatement()) {
            s.execute("create table secrets (v text)");
            s.execute("insert into secrets values ('alpha only')");
        }
        assertThatThrownBy(() -> connect(alpha, beta.get("PGDATABASE")).close())
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
        assertThatThrownBy(() -> connect(beta, alpha.get("PGDATABASE")).close())
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));

        String alphaRole = alpha.get("PGUSER");
        addons.app("alpha", "production").destroy("postgresql");
        try (Connection c = connect(beta, beta.get("PGDATABASE")); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from pg_roles where rolname = '" + alphaRole + "'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("role of the destroyed app").isZero();
        }
        assertThatThrownBy(() -> connect(alpha, alpha.get("PGDATABASE")).close()).isInstanceOf(SQLException.class);
        addons.app("beta", "production").destroy("postgresql");
        assertThat(Loopback.isListening(Integer.parseInt(beta.get("PGPORT")))).as("shared server after its last tenant")
                .isFalse();
    }

    @Test
    void stagingAndProductionGetDifferentDatabases() {
        addons.app("shop", "production").create(AddonSpec.parse("postgresql:shared").withVersion("15"));
        addons.app("shop", "staging").create(AddonSpec.parse("postgresql:shared").withVersion("15"));

        Environment production = Environment.resolve(addons, "shop", "production");
        Environment staging = Environment.resolve(addons, "shop", "staging");
        assertThat(production.require("PGDATABASE")).isEqualTo("shop");
        assertThat(staging.require("PGDATABASE")).isEqualTo("shop__staging");
        assertThat(production.require("DATABASE_URL")).isNotEqualTo(staging.require("DATABASE_URL"));
        addons.app("shop", "staging").destroy("postgresql");
        addons.app("shop", "production").destroy("postgresql");
    }

    @Test
    void concurrentCreatesOfOneAddonYieldExactlyOneServer() {
        List<CompletableFuture<AddonRecord>> creates = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            creates.add(addons.app("race", "production").createAsync(AddonSpec.of("postgresql").withVersion("15")));
        }
        List<String> ids = creates.stream().map(CompletableFuture::join).map(AddonRecord::id).distinct().toList();

        assertThat(ids).hasSize(1);
        assertThat(postgresProcessesUnder(home.resolve("servers").resolve(ids.get(0)))).hasSize(1);
        addons.app("race", "production").destroy("postgresql");
    }

    @Test
    void anotherJvmListsAndDestroysWhatThisOneCreated() throws Exception {
        addons.app("twojvm", "production").create(AddonSpec.of("postgresql").withVersion("15"));
        int port = Integer.parseInt(addons.app("twojvm", "production").env().get("PGPORT").orElseThrow());

        assertThat(otherJvm("list", "twojvm")).singleElement().asString().startsWith("postgresql ACTIVE small ");
        assertThat(otherJvm("destroy", "twojvm", "postgresql")).isEmpty();
        assertThat(addons.app("twojvm", "production").list()).isEmpty();
        assertThat(Loopback.isListening(port)).isFalse();
    }

    @Test
    void twoJvmsCreatingTheSameAddonAtOnceGetOneServer() throws Exception {
        List<List<String>> outputs = OtherJvm.together(home, List.of(
                List.of("create", "duo", "postgresql:small", "15"),
                List.of("create", "duo", "postgresql:small", "15"))).outputs();
        List<String> fromOne = outputs.get(0);
        List<String> fromTwo = outputs.get(1);

        assertThat(fromOne).singleElement().asString().startsWith("postgresql ACTIVE small ");
        assertThat(fromTwo).isEqualTo(fromOne);
        AddonRecord record = addons.app("duo", "production").list().get(0);
        assertThat(fromOne.get(0)).endsWith(" " + record.id());
        try (Stream<Path> servers = Files.list(home.resolve("servers"))) {
            assertThat(servers.filter(p -> p.getFileName().toString().contains("-duo-"))).hasSize(1);
        }
        addons.app("duo", "production").destroy("postgresql");
    }

    @Test
    void twoJvmsMakingTheFirstServersOfAFreshHomeAtOnceBuildOneTemplateBetweenThem(@TempDir Path fresh)
            throws Exception {
        // A new cache too: the templates live in the binary cache, which homes share.
        List<List<String>> outputs = OtherJvm.together(fresh, fresh.resolve("cache"), List.of(
                List.of("create", "left", "postgresql:small", "15"),
                List.of("create", "right", "postgresql:small", "15"))).outputs();

        assertThat(outputs).allSatisfy(out -> assertThat(out).singleElement().asString()
                .startsWith("postgresql ACTIVE small "));
        assertThat(OtherJvm.stderrLines(fresh)).as("the two JVMs' logs")
                .filteredOn(line -> line.contains("Built the template")).hasSize(1);
        try (Stream<Path> templates = Files.list(fresh.resolve("cache").resolve("templates"))) {
            assertThat(templates.filter(Files::isDirectory)
                    .filter(p -> !p.getFileName().toString().startsWith("."))).hasSize(1);
        }
        try (Addons other = Addons.builder().home(fresh).cache(fresh.resolve("cache")).runtime("process")
                .automaticBackups(false).build()) {
            for (String app : List.of("left", "right")) {
                assertThat(other.app(app, "production").env().get("DATABASE_URL")).isPresent();
                other.app(app, "production").destroy("postgresql", dev.addons.core.FinalBackup.SKIP);
            }
        }
        assertThat(ServerProcesses.under(fresh)).isEmpty();
    }

    @Test
    void aJvmKilledWhileProvisioningLeavesNothingBehindAndTheCreateCanBeRetried() throws Exception {
        Process other = startOtherJvm("create", "crash", "postgresql:small", "15");
        Path serverDirectory = null;
        while (serverDirectory == null && other.isAlive()) {
            serverDirectory = serverDirectoryOf("crash");
            other.waitFor(5, TimeUnit.MILLISECONDS); // The other JVM is the clock: it is making the server.
        }
        assertThat(serverDirectory).as("the other JVM got as far as its server's directory").isNotNull();
        other.destroyForcibly(); // SIGKILL: no shutdown hook, no finally
        assertThat(other.waitFor(30, TimeUnit.SECONDS)).isTrue();

        try (Addons later = Addons.builder().home(home).runtime("process").build()) {
            AddonRecord seen = later.app("crash", "production").list().get(0);
            assertThat(seen.status()).isEqualTo(dev.addons.api.Status.FAILED);
            assertThat(seen.message()).startsWith("interrupted while provisioning");
            assertThat(serverDirectory).as("the half-made server's directory").doesNotExist();
            awaitNoPostgresUnder(serverDirectory);

            AddonRecord retried = later.app("crash", "production").create(AddonSpec.of("postgresql").withVersion("15"));

            assertThat(retried.status()).isEqualTo(dev.addons.api.Status.ACTIVE);
            assertThat(retried.id()).isEqualTo(seen.id());
            later.app("crash", "production").destroy("postgresql");
        }
    }

    private static Path serverDirectoryOf(String app) throws IOException {
        Path servers = home.resolve("servers");
        if (!Files.isDirectory(servers)) {
            return null;
        }
        try (Stream<Path> listed = Files.list(servers)) {
            return listed.filter(p -> p.getFileName().toString().contains("-" + app + "-")).findFirst().orElse(null);
        }
    }

    /** Waits for what the killed JVM's initdb or postgres may still be doing in the deleted directory. */
    private static void awaitNoPostgresUnder(Path directory) throws InterruptedException {
        for (int i = 0; i < 600 && !postgresProcessesUnder(directory).isEmpty(); i++) {
            Thread.sleep(100); // Processes of another, dead JVM: nothing to wait on but time.
        }
        assertThat(postgresProcessesUnder(directory)).as("postgres processes of " + directory).isEmpty();
    }

    @Test
    void aServerUnderADeepHomeStartsAndServes() throws Exception {
        // A Unix socket there would need a path of more than 107 bytes; the server listens on TCP only.
        // Made as a user makes directories (0755), so that as root the engine user passes through.
        Path deep = Files.createDirectories(home.resolve("a-rather-long-directory-name-as-build-tools-make-them")
                .resolve("and-another-level-of-the-same-kind-for-good-measure"));
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        try (Addons nested = Addons.builder().home(deep).runtime("process").build()) {
            nested.app("deep", "production").create(AddonSpec.of("postgresql").withVersion("15"));
            try (Connection connection = connect(nested.app("deep", "production").env().toMap(),
                    nested.app("deep", "production").env().get("PGDATABASE").orElseThrow());
                    java.sql.Statement statement = connection.createStatement();
                    java.sql.ResultSet rows = statement.executeQuery("select 40 + 2")) {
                rows.next();
                assertThat(rows.getInt(1)).isEqualTo(42);
            } finally {
                nested.app("deep", "production").destroy("postgresql");
            }
        }
        assertThat(deep.resolve("servers").toString().length()).isGreaterThan(107);
    }

    @Test
    void inputsThatCannotWorkAreRefusedBeforeAnythingStarts() {
        assertThatThrownBy(() -> addons.app("bad", "production").create(AddonSpec.of("postgresql").withVersion("13")))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("postgresql version '13' is not supported. Supported: [14, 15, 16, 17, 18] (default 18),"
                        + " or a full image reference containing ':'");
        assertThatThrownBy(() -> addons.app("bad", "production").create(
                AddonSpec.of("postgresql").withVersion("registry.example.com/custom-postgres:16-custom")))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("custom images need the container runtime");
        assertThatThrownBy(() -> addons.app("bad", "production").create(AddonSpec.parse("postgresql:large")))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("postgresql has no variant 'large'. Variants: [small, shared]");
        assertThat(addons.app("bad", "production").list()).isEmpty();
        for (String app : List.of("postgres", "template1", "public")) {
            assertThatThrownBy(() -> addons.app(app, "production").create(AddonSpec.parse("postgresql:shared")))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessage("app '" + app + "' in production cannot have a postgresql addon: its database and "
                            + "user would be named '" + app + "', which PostgreSQL keeps for itself (postgres, "
                            + "template0, template1, public, addons_spare, pg_*). Give the app another name");
            assertThat(addons.app(app, "production").list()).isEmpty();
        }
        assertThat(addons.app("postgres", "staging").create(AddonSpec.parse("postgresql:shared")).status())
                .as("in staging its tenant is postgres__staging").isEqualTo(dev.addons.api.Status.ACTIVE);
    }

    private static Connection connect(Map<String, String> vars, String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", vars.get("PGUSER"));
        props.setProperty("password", vars.get("PGPASSWORD"));
        props.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(
                "jdbc:postgresql://" + vars.get("PGHOST") + ":" + vars.get("PGPORT") + "/" + database, props);
    }

    private static List<ProcessHandle> postgresProcessesUnder(Path dir) {
        String marker = dir.toAbsolutePath().toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("postgres") && c.contains(marker)).orElse(false))
                .toList();
    }

    private List<String> otherJvm(String... args) throws Exception {
        return OtherJvm.run(home, args);
    }

    private static Process startOtherJvm(String... args) throws IOException {
        return OtherJvm.start(home, args);
    }

    private static List<String> outputOf(Process process) throws Exception {
        return OtherJvm.outputOf(process, home);
    }
}
