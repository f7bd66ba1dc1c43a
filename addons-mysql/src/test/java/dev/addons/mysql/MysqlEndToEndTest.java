package dev.addons.mysql;

import static dev.addons.mysql.AppConnections.connect;
import static dev.addons.mysql.AppConnections.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.Credentials;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.Status;
import dev.addons.api.Variant;
import dev.addons.api.spi.ServerAccess;
import dev.addons.core.AddonInfo;
import dev.addons.core.Addons;
import dev.addons.core.Environment;
import dev.addons.core.PooledDataSource;
import dev.addons.core.VersionInfo;
import dev.addons.core.runtime.Availability;
import dev.addons.testkit.HomeState;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole SDK against real MySQL 8 servers (MariaDB 10.11 from Debian's package) on the
 * process runtime: the facade, the state store, the runtime and the provider, connected to with
 * Connector/J using only injected variables. One home (and so one shared server) serves the
 * class; each test uses its own apps. The behaviours every engine shows on every runtime (separate
 * dedicated servers, a killed server, deploy, restart, ...) are in {@link MysqlOnProcessTest} and
 * {@link MysqlOnContainerTest}; these are MySQL's own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MysqlEndToEndTest {
    private static final AddonSpec SMALL = AddonSpec.of("mysql").withVersion("8");
    private static final AddonSpec SHARED = AddonSpec.parse("mysql:shared").withVersion("8");
    private static final String VERSION_9_UNAVAILABLE = "MySQL 9 (none is packaged for Debian 12 or on Maven"
            + " Central; the process runtime runs MySQL 8 as MariaDB 10.11): no binaries for it on this host and no"
            + " download is offered. It needs the container runtime (runtime = \"container\", --runtime container).";
    private static final String VERSION_9_REFUSED = "mysql version '9' cannot run on the process runtime: "
            + VERSION_9_UNAVAILABLE + " Here the process runtime can run mysql 8 (installed: %s): use --version 8,"
            + " or version = \"8\" in the app file.";
    /** Where Debian installs mariadbd, and the version it reports. */
    private static final String MARIADB_DETAIL = "/usr/sbin: mariadbd 10\\.11\\.[0-9]+-MariaDB";

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
        assertThat(mariadbProcessesUnder(home)).isEmpty();
        try (Stream<Path> servers = Files.list(Files.createDirectories(home.resolve("servers")))) {
            assertThat(servers).isEmpty();
        }
    }

    @Test
    void infoListsVersionsDefaultVariantsAndWhatServesEachVersionHere() {
        AddonInfo info = addons.info("mysql");

        assertThat(info.description()).isEqualTo("Managed MySQL database");
        assertThat(info.defaultVersion()).as("the newest the process runtime can serve here").isEqualTo("8");
        assertThat(info.defaultVersions()).containsEntry("process", "8").containsEntry("container", "9");
        assertThat(info.variants()).extracting(Variant::name).containsExactly("small", "shared");
        assertThat(info.versions()).extracting(VersionInfo::version, VersionInfo::isDefault)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("8", true),
                        org.assertj.core.groups.Tuple.tuple("9", false));
        Availability eight = info.versions().get(0).availability();
        assertThat(eight.state()).isEqualTo(Availability.State.INSTALLED);
        assertThat(eight.detail()).matches(MARIADB_DETAIL);
        assertThat(info.versions().get(1).availability()).isEqualTo(new Availability(Availability.State.UNAVAILABLE,
                VERSION_9_UNAVAILABLE));
    }

    @Test
    void version9IsRefusedBeforeAnythingStartsSayingWhatToDoInstead() {
        String refused = String.format(VERSION_9_REFUSED, addons.info("mysql").versions().get(0).availability()
                .detail());
        assertThat(refused).contains("(installed: /usr/sbin: mariadbd 10.11.");
        assertThatThrownBy(() -> addons.app("nine", "production").create(AddonSpec.of("mysql").withVersion("9")))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage(refused);
        assertThatThrownBy(() -> addons.app("nine", "production").create(AddonSpec.of("mysql").withVersion("5.7")))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("mysql version '5.7' is not supported. Supported: [8, 9] (default 9),"
                        + " or a full image reference containing ':'");
        assertThat(addons.app("nine", "production").list()).isEmpty();
        assertThat(home.resolve("servers").resolve("nine")).doesNotExist();
    }

    @Test
    void aDedicatedServerReachesActiveServesRealWorkThroughHikariCpAndLeavesNothingWhenDestroyed()
            throws SQLException {
        long started = System.nanoTime();
        AddonRecord record = addons.app("blog", "production").create(SMALL);
        System.out.printf("creating a dedicated mysql 8 took %d ms%n", (System.nanoTime() - started) / 1_000_000);

        assertThat(record.status()).isEqualTo(Status.ACTIVE);
        assertThat(record.variant()).isEqualTo("small");
        synchronized (transitions) {
            assertThat(transitions).containsSubsequence("blog/production:null->PENDING",
                    "blog/production:PENDING->PROVISIONING", "blog/production:PROVISIONING->ACTIVE");
        }
        Credentials vars = addons.app("blog", "production").env();
        assertThat(vars.toMap().keySet()).containsExactly(
                "DATABASE_URL", "MYSQL_HOST", "MYSQL_PORT", "MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_DATABASE");
        assertThat(vars.get("MYSQL_HOST")).contains("127.0.0.1");
        assertThat(vars.get("DATABASE_URL").orElseThrow()).startsWith("mysql://blog:").endsWith(
                "@127.0.0.1:" + vars.get("MYSQL_PORT").orElseThrow() + "/blog");

        try (PooledDataSource pool = Environment.of("production", vars.toMap()).dataSource();
                Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("create table posts (id int auto_increment primary key, title varchar(200) not null)");
            s.execute("insert into posts (title) values ('hello'), ('wörld')");
            try (ResultSet rs = s.executeQuery("select count(*), current_user(), database(), version(),"
                    + " max(title) from posts")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(2);
                assertThat(rs.getString(2)).isEqualTo("blog@%");
                assertThat(rs.getString(3)).isEqualTo(vars.get("MYSQL_DATABASE").orElseThrow());
                assertThat(rs.getString(4)).startsWith("10.11.").contains("MariaDB");
                assertThat(rs.getString(5)).isEqualTo("wörld");
            }
        }

        int port = Integer.parseInt(vars.get("MYSQL_PORT").orElseThrow());
        Path serverDir = home.resolve("servers").resolve(record.id());
        assertThat(serverDir).isDirectory();
        assertThat(mariadbProcessesUnder(serverDir)).hasSize(1);
        started = System.nanoTime();
        addons.app("blog", "production").destroy("mysql");
        System.out.printf("destroying a dedicated mysql 8 took %d ms%n", (System.nanoTime() - started) / 1_000_000);
        assertThat(isListening(port)).isFalse();
        assertThat(serverDir).doesNotExist();
        assertThat(mariadbProcessesUnder(serverDir)).isEmpty();
        assertThat(addons.app("blog", "production").list()).isEmpty();
    }

    @Test
    void twoAppsOnTheSharedServerCannotReachEachOthersDatabaseAndDestroyRemovesUserAndDatabase()
            throws SQLException {
        long started = System.nanoTime();
        addons.app("alpha", "production").create(SHARED);
        System.out.printf("creating the first shared mysql 8 tenant took %d ms%n",
                (System.nanoTime() - started) / 1_000_000);
        started = System.nanoTime();
        addons.app("beta", "production").create(SHARED);
        System.out.printf("creating a second shared mysql 8 tenant took %d ms%n",
                (System.nanoTime() - started) / 1_000_000);
        Map<String, String> alpha = addons.app("alpha", "production").env().toMap();
        Map<String, String> beta = addons.app("beta", "production").env().toMap();

        assertThat(alpha.get("MYSQL_PORT")).isEqualTo(beta.get("MYSQL_PORT"));
        assertThat(alpha.get("MYSQL_DATABASE")).isNotEqualTo(beta.get("MYSQL_DATABASE"));
        try (Connection c = connect(alpha, alpha.get("MYSQL_DATABASE")); Statement s = c.createStatement()) {
            s.execute("create table secrets (v varchar(20))");
            s.execute("insert into secrets values ('alpha only')");
        }
        for (Map<String, String> intruder : List.of(alpha, beta)) {
            String victim = (intruder == alpha ? beta : alpha).get("MYSQL_DATABASE");
            assertThatThrownBy(() -> connect(intruder, victim).close())
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("Access denied for user '" + intruder.get("MYSQL_USER") + "'@'%' to database")
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1044));
        }
        try (Connection c = connect(beta, beta.get("MYSQL_DATABASE")); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeQuery("select * from alpha.secrets"))
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isIn(1044, 1142));
        }

        addons.app("alpha", "production").destroy("mysql");
        try (Connection admin = MysqlAdmin.connect(sharedServerAccess()); Statement s = admin.createStatement()) {
            assertThat(count(s, "select count(*) from mysql.user where user = 'alpha'")).as("user of alpha").isZero();
            assertThat(count(s, "select count(*) from information_schema.schemata where schema_name = 'alpha'"))
                    .as("database of alpha").isZero();
            assertThat(count(s, "select count(*) from mysql.user where user = 'beta'")).isOne();
        }
        assertThatThrownBy(() -> connect(alpha, alpha.get("MYSQL_DATABASE")).close()).isInstanceOf(SQLException.class);
        addons.app("beta", "production").destroy("mysql");
        assertThat(isListening(Integer.parseInt(beta.get("MYSQL_PORT")))).as("shared server after its last tenant")
                .isFalse();
    }

    @Test
    void anAppsCredentialsAreRefusedByAnotherAppsDedicatedServerWhichOutlivesTheFirst() throws SQLException {
        addons.app("one", "production").create(SMALL);
        addons.app("two", "production").create(SMALL);
        Map<String, String> first = addons.app("one", "production").env().toMap();
        Map<String, String> second = addons.app("two", "production").env().toMap();

        try (Connection c = connect(first, "one"); Statement s = c.createStatement()) {
            s.execute("create table only_here (v int)");
        }
        Map<String, String> firstOnSecondServer = new HashMap<>(first);
        firstOnSecondServer.put("MYSQL_PORT", second.get("MYSQL_PORT"));
        assertThatThrownBy(() -> connect(firstOnSecondServer, "one").close())
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1045));

        addons.app("one", "production").destroy("mysql");
        try (Connection c = connect(second, "two"); Statement s = c.createStatement()) {
            assertThat(count(s, "select 7")).isEqualTo(7);
        }
        addons.app("two", "production").destroy("mysql");
    }

    @Test
    void aWrongPasswordIsRefused() {
        addons.app("locked", "production").create(SHARED);
        Map<String, String> vars = new HashMap<>(addons.app("locked", "production").env().toMap());
        vars.put("MYSQL_PASSWORD", "not-the-password");

        assertThatThrownBy(() -> connect(vars, vars.get("MYSQL_DATABASE")).close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("Access denied for user 'locked'")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28000"))
                .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1045));
        addons.app("locked", "production").destroy("mysql");
    }

    /** The admin's access to the one running shared server, as the state store keeps it. */
    private static ServerAccess sharedServerAccess() {
        return HomeState.runningSharedServerAccess(home);
    }

    private static int count(Statement s, String query) throws SQLException {
        return Integer.parseInt(queryString(s, query));
    }

    private static boolean isListening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static List<ProcessHandle> mariadbProcessesUnder(Path dir) {
        String marker = dir.toAbsolutePath().toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("mariadbd") && c.contains(marker)).orElse(false))
                .toList();
    }
}
