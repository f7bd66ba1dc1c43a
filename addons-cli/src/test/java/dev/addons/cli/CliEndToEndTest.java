package dev.addons.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.addons.api.AddonRecord;
import dev.addons.api.Variable;
import dev.addons.core.Addons;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The addons command against real PostgreSQL 15 servers on the process runtime (asked for with
 * {@code --runtime process}: auto would choose the container runtime where a Docker API answers, as
 * in CI), in one temporary
 * home per class (so one shared server). Each test destroys what it creates; afterwards no
 * {@code postgres -D <home>} process may be left.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliEndToEndTest {
    /** Installed from Debian on these machines, so nothing is downloaded. */
    private static final String VERSION = "15";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    @TempDir
    Path files;

    @AfterAll
    void nothingIsLeftRunning() throws Exception {
        List<AddonRecord> left;
        try (Addons addons = Addons.builder().home(home).build()) {
            left = addons.listAll();
            for (AddonRecord record : left) {
                addons.app(record.app(), record.environment()).destroy(record.addon());
            }
        }
        assertThat(left).as("addons a test forgot to destroy").isEmpty();
        assertThat(postgresRunningIn(home)).as("postgres still running in " + home).isFalse();
    }

    @Test
    void listAvailableShowsEachVersionAndWhereItComesFrom() throws Exception {
        Cli.Result text = cli("list-available");
        Cli.Result json = cli("--json", "list-available");

        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out()).startsWith("New servers run on the process runtime (asked for by name); availability"
                + " is on that runtime.\n");
        assertThat(text.out()).contains("postgresql", "variants: small (default), shared", "18 (default)")
                .containsPattern("\\n  15 +installed ");
        JsonNode postgresql = find(JSON.readTree(json.out()), "name", "postgresql");
        assertThat(postgresql.get("defaultVersion").asText()).isEqualTo("18");
        assertThat(text.out()).contains("  default version: 18 on process, 18 on container\n",
                "  default version: 3 on process, 4 on container\n", "  default version: 8 on process, 9 on container\n")
                .containsPattern("  default version: [78] on process, 9 on container\n");
        JsonNode rabbitmq = find(JSON.readTree(json.out()), "name", "rabbitmq");
        assertThat(rabbitmq.get("defaultVersion").asText()).as("on the process runtime").isEqualTo("3");
        assertThat(rabbitmq.get("defaultVersions").get("process").asText()).isEqualTo("3");
        assertThat(rabbitmq.get("defaultVersions").get("container").asText()).isEqualTo("4");
        assertThat(find(rabbitmq.get("versions"), "version", "3").get("default").asBoolean()).isTrue();
        assertThat(postgresql.get("versions").findValuesAsText("version")).containsExactly("14", "15", "16", "17", "18");
        assertThat(find(postgresql.get("versions"), "version", "15").get("availability").asText()).isEqualTo("installed");
    }

    @Test
    void variantsNamesSmallAndShared() {
        Cli.Result result = cli("variants", "postgresql");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out().lines()).hasSize(3);
        assertThat(result.out()).contains("small (default)", "shared");
    }

    @Test
    void sharedAndSmallHandOverVariablesThatDoRealWork() throws Exception {
        for (String variant : List.of("shared", "small")) {
            String app = variant + "-app";
            Cli.Result created = cli("create", "postgresql:" + variant, "-a", app, "--version", VERSION);
            assertThat(created.exitCode()).as(created.toString()).isZero();
            assertThat(created.out()).contains("postgresql (" + app + "/production): pending -> provisioning",
                    "postgresql (" + app + "/production): provisioning -> active");

            JsonNode redacted = JSON.readTree(cli("env", "-a", app, "--format", "json").out());
            assertThat(redacted.fieldNames()).toIterable()
                    .containsExactly("DATABASE_URL", "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE");
            assertThat(redacted.get("DATABASE_URL").asText()).isEqualTo(Variable.REDACTED);
            assertThat(redacted.get("PGPASSWORD").asText()).isEqualTo(Variable.REDACTED);

            JsonNode revealed = JSON.readTree(cli("env", "-a", app, "--reveal", "--format", "json").out());
            String password = revealed.get("PGPASSWORD").asText();
            assertThat(password).isNotEqualTo(Variable.REDACTED);
            assertThat(cli("env", "-a", app).out()).doesNotContain(password);
            assertThat(countRowsWrittenWith(revealed)).isEqualTo(2);

            JsonNode listed = JSON.readTree(cli("--json", "list", "-a", app).out());
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0).get("status").asText()).isEqualTo("active");
            assertThat(listed.get(0).get("variant").asText()).isEqualTo(variant);
            assertThat(listed.get(0).get("version").asText()).isEqualTo(VERSION);

            Cli.Result destroyed = cli("destroy", "postgresql", "-a", app);
            assertThat(destroyed.exitCode()).as(destroyed.toString()).isZero();
            assertThat(destroyed.out()).contains("-> destroyed");
            assertThat(cli("--json", "list", "-a", app).out()).isEqualToIgnoringWhitespace("[]");
            assertThat(cli("list", "-a", app).out()).isEqualTo(app + " has no addons in production.\n");
        }
    }

    @Test
    void runHandsTheAppsVariablesToTheCommandAndReturnsItsExitCode() throws Exception {
        assertThat(cli("create", "postgresql:shared", "-a", "runner", "--version", VERSION).exitCode()).isZero();
        try {
            String database = JSON.readTree(cli("env", "-a", "runner", "--format", "json").out())
                    .get("PGDATABASE").asText();

            assertThat(cli("run", "-a", "runner", "--", "sh", "-c", "test \"$PGDATABASE\" = " + database
                    + " && test -n \"$PGPASSWORD\" && test \"$PGPASSWORD\" != '<redacted>'").exitCode()).isZero();
            assertThat(cli("run", "-a", "runner", "--", "sh", "-c", "exit 5").exitCode()).isEqualTo(5);
            // Its own values, never the home whose state holds every app's (issue 17 item 2).
            assertThat(cli("run", "-a", "runner", "--", "sh", "-c", "test -z \"${ADDONS_HOME+set}\" && test "
                    + "\"$ADDONS_APP\" = runner").exitCode()).isZero();
        } finally {
            assertThat(cli("destroy", "postgresql", "-a", "runner").exitCode()).isZero();
        }
    }

    @Test
    void runWithWaitStartsTheCommandOnlyOnceAnotherProcessMadeTheAddonActive() throws Exception {
        Path seen = files.resolve("seen.txt");
        Path started = files.resolve("started.txt");
        java.util.concurrent.CompletableFuture<Cli.Result> run = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> cli("run", "-a", "held", "--wait=2m", "--", "sh", "-c", "echo \"$PGDATABASE\" > " + seen
                        + " && date +%s%N > " + started));
        try {
            Cli.Result created = binAddons("create", "postgresql", "-a", "held", "--version", VERSION);
            assertThat(created.exitCode()).as(created.toString()).isZero();

            Cli.Result ran = run.get(2, TimeUnit.MINUTES);
            assertThat(ran.exitCode()).as(ran.toString()).isZero();
            assertThat(ran.err()).as("it saw the addon before it was active").contains(
                    "postgresql (held/production): ", " -> active");
            JsonNode record = JSON.readTree(cli("--json", "list", "-a", "held").out()).get(0);
            assertThat(Files.readString(seen).strip()).isEqualTo(JSON.readTree(cli("env", "-a", "held", "--format",
                    "json").out()).get("PGDATABASE").asText());
            java.time.Instant active = java.time.Instant.parse(record.get("updatedAt").asText());
            long startedNanos = Long.parseLong(Files.readString(started).strip());
            assertThat(startedNanos).as("the command started after the addon became active at " + active)
                    .isGreaterThanOrEqualTo(active.getEpochSecond() * 1_000_000_000L + active.getNano());
        } finally {
            run.get(2, TimeUnit.MINUTES);
            assertThat(cli("destroy", "postgresql", "-a", "held").exitCode()).isZero();
        }
    }

    @Test
    void runAndEnvWithWaitGiveUpAfterTheTimeoutSayingWhy() {
        Cli.Result run = cli("run", "-a", "nobody", "--wait=1s", "--", "true");
        Cli.Result env = cli("env", "-a", "nobody", "--wait=1s");
        Cli.Result bad = cli("env", "-a", "nobody", "--wait=soon");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("addons: nobody has no addons in production after waiting 1s: create or"
                + " deploy them, or run without --wait\n");
        assertThat(env.exitCode()).isEqualTo(1);
        assertThat(env.err()).isEqualTo(run.err());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).startsWith("addons: --wait 'soon' is not a duration. Allowed: a number and a unit, ms,"
                + " s, m or h (e.g. --wait=30s, --wait=5m), or --wait alone for 5m");
    }

    @Test
    void anotherProcessRunningBinAddonsSeesAndDestroysWhatThisOneCreated() throws Exception {
        assertThat(cli("create", "postgresql:shared", "-a", "twoproc", "--version", VERSION).exitCode()).isZero();
        String database = JSON.readTree(cli("env", "-a", "twoproc", "--format", "json").out())
                .get("PGDATABASE").asText();

        Cli.Result listed = binAddons("--json", "list", "-a", "twoproc");
        Cli.Result ran = binAddons("run", "-a", "twoproc", "--", "sh", "-c", "echo $PGDATABASE");
        Cli.Result destroyed = binAddons("destroy", "postgresql", "-a", "twoproc");

        assertThat(listed.exitCode()).as(listed.toString()).isZero();
        assertThat(JSON.readTree(listed.out()).get(0).get("status").asText()).isEqualTo("active");
        assertThat(ran.out()).isEqualTo(database + "\n");
        assertThat(destroyed.exitCode()).as(destroyed.toString()).isZero();
        assertThat(cli("--json", "list", "-a", "twoproc").out()).isEqualToIgnoringWhitespace("[]");
    }

    @Test
    void deployCreatesWhatTheFileDeclaresAndDestroysWhatItNoLongerDoes() throws Exception {
        Path file = files.resolve("addons.toml");
        Files.writeString(file, "name = \"deployed\"\n\n[addons.postgresql]\nvariant = \"shared\"\nversion = \""
                + VERSION + "\"\n");

        Cli.Result first = cli("--json", "deploy", "-f", file.toString());
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.err()).contains("postgresql (deployed/production): provisioning -> active");
        JsonNode result = JSON.readTree(first.out());
        assertThat(result.get("active").get(0).get("status").asText()).isEqualTo("active");
        assertThat(cli("list", "-a", "deployed").out()).contains("postgresql  shared");

        Files.writeString(file, "name = \"deployed\"\n");
        Cli.Result second = cli("deploy", "-f", file.toString());

        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.out()).contains("postgresql (deployed/production) destroyed: no longer declared");
        assertThat(cli("--json", "list", "-a", "deployed").out()).isEqualToIgnoringWhitespace("[]");
    }

    @Test
    void backupRestoreBackupsAndMigrateWorkOnARealServer() throws Exception {
        assertThat(cli("create", "postgresql", "-a", "keeper", "--version", VERSION).exitCode()).isZero();
        try {
            sql("keeper", "CREATE TABLE kept (n int)", "INSERT INTO kept SELECT generate_series(1, 100)");

            Cli.Result backup = cli("--json", "backup", "postgresql", "-a", "keeper");
            assertThat(backup.exitCode()).as(backup.toString()).isZero();
            JsonNode info = JSON.readTree(backup.out());
            Path archive = Path.of(info.get("file").asText());
            assertThat(archive).startsWith(home.resolve("backups")).isRegularFile();
            assertThat(info.get("addon").asText()).isEqualTo("postgresql");
            assertThat(info.get("sha256").asText()).hasSize(64);
            Path mine = files.resolve("keeper.tar.zst");
            Cli.Result toFile = cli("backup", "postgresql", "-a", "keeper", "-o", mine.toString());
            assertThat(toFile.out()).startsWith("Backed up postgresql of keeper/production to " + mine + " (");
            assertThat(cli("backups", "-a", "keeper").out().lines()).hasSize(2).last().asString()
                    .contains("postgresql", "manual", archive.toString());

            sql("keeper", "DELETE FROM kept WHERE n > 10");
            Cli.Result refused = cli("restore", "postgresql", "-a", "keeper", "-s", archive.toString());
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
            assertThat(refused.err()).contains("--force");
            Cli.Result restored = cli("restore", "postgresql", "-a", "keeper", "-s", mine.toString(), "--force");
            assertThat(restored.exitCode()).as(restored.toString()).isZero();
            assertThat(count("keeper")).isEqualTo(100);

            Cli.Result policy = cli("backups", "postgresql", "-a", "keeper", "--manual-per-day", "2", "--schedule",
                    "1d");
            assertThat(policy.out()).contains("automatic backups: every 1d", "manual backups a day: 2");
            Cli.Result limited = cli("backup", "postgresql", "-a", "keeper");
            assertThat(limited.exitCode()).as(limited.toString()).isEqualTo(1);
            assertThat(limited.err()).contains("daily limit", "2 of 2");

            Cli.Result moved = cli("migrate", "postgresql", "-a", "keeper", "--to", "shared");
            assertThat(moved.exitCode()).as(moved.toString()).isZero();
            assertThat(moved.out()).contains("Moved postgresql of keeper/production to shared.");
            assertThat(cli("list", "-a", "keeper").out()).contains("postgresql  shared");
            assertThat(count("keeper")).isEqualTo(100);
        } finally {
            assertThat(cli("destroy", "postgresql", "-a", "keeper").exitCode()).isZero();
        }
    }

    /** Runs statements as the app, with its variables only. */
    private void sql(String app, String... statements) throws Exception {
        try (Connection connection = connect(app); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private long count(String app) throws Exception {
        try (Connection connection = connect(app); Statement statement = connection.createStatement();
                java.sql.ResultSet rows = statement.executeQuery("SELECT count(*) FROM kept")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private Connection connect(String app) throws Exception {
        JsonNode vars = JSON.readTree(cli("env", "-a", app, "--reveal", "--format", "json").out());
        Properties login = new Properties();
        login.setProperty("user", vars.get("PGUSER").asText());
        login.setProperty("password", vars.get("PGPASSWORD").asText());
        return DriverManager.getConnection("jdbc:postgresql://" + vars.get("PGHOST").asText() + ":"
                + vars.get("PGPORT").asText() + "/" + vars.get("PGDATABASE").asText(), login);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown addon          | create nosuch -a bad                                   | nosuch",
        "unknown variant        | create postgresql:huge -a bad                          | 'huge'",
        "unsupported version    | create postgresql -a bad --version 99                  | '99'",
        "image on process       | create postgresql -a bad --version example.org/pg:16   | container runtime",
        "bad app name           | create postgresql -a Bad/App                           | Bad/App",
    })
    void badInputExitsTwoWithOneLineNamingTheProblem(String what, String args, String named) {
        assertRefusedAsBadInput(cli(args.split(" ")), named);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "malformed TOML        | name = \"bad\"\\n[addons.postgresql\\n     | malformed TOML",
        "unknown key           | name = \"bad\"\\ncolour = \"red\"\\n       | colour",
        "unknown addon key     | name = \"bad\"\\n[addons.postgresql]\\nsize = 1\\n | size",
    })
    void badAppFilesExitTwoWithOneLineNamingTheProblem(String what, String toml, String named) throws IOException {
        Path file = files.resolve(what.replace(' ', '-') + ".toml");
        Files.writeString(file, toml.replace("\\n", "\n"));

        Cli.Result result = cli("deploy", "-f", file.toString());

        assertRefusedAsBadInput(result, named);
        assertThat(result.err()).contains(file.getFileName().toString());
    }

    /** Exit code 2, one line naming the problem, and nothing created. */
    private void assertRefusedAsBadInput(Cli.Result result, String named) {
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.err().lines()).as(result.toString()).hasSize(1);
        assertThat(result.err()).startsWith("addons: ").contains(named);
        assertThat(cli("--json", "list", "-a", "bad").out()).isEqualToIgnoringWhitespace("[]");
    }

    @Test
    void aProvisioningFailureExitsOneWithOneLine(@TempDir Path brokenHome) throws Exception {
        // Servers' directories cannot be made where a file stands: provisioning must fail cleanly.
        Files.writeString(brokenHome.resolve("servers"), "not a directory");
        List<String> args = List.of("--home", brokenHome.toString(), "--runtime", "process", "create", "postgresql",
                "-a", "doomed", "--version", VERSION);

        Cli.Result result = Cli.run(new Main(), args.toArray(String[]::new));

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.err().lines()).as(result.toString()).hasSize(1).first().asString().startsWith("addons: ");
        assertThat(result.out()).contains("-> failed");
        Cli.Result destroyed = Cli.run(new Main(), "--home", brokenHome.toString(), "destroy", "postgresql", "-a",
                "doomed");
        assertThat(destroyed.exitCode()).as(destroyed.toString()).isZero();
        assertThat(postgresRunningIn(brokenHome)).isFalse();
    }

    private Cli.Result cli(String... args) {
        List<String> all = new ArrayList<>(List.of("--home", home.toString(), "--runtime", "process"));
        all.addAll(List.of(args));
        return Cli.run(new Main(), all.toArray(String[]::new));
    }

    /** {@code bin/addons} in a JVM of its own, from another directory, on this test's classpath. */
    private Cli.Result binAddons(String... args) throws Exception {
        Path script = Path.of(System.getProperty("addons.root", ".."), "bin", "addons").toAbsolutePath().normalize();
        List<String> command = new ArrayList<>(List.of(script.toString(), "--home", home.toString(), "--runtime",
                "process"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(files.toFile());
        builder.environment().put("ADDONS_CLI_CLASSPATH", System.getProperty("java.class.path"));
        builder.environment().remove("ADDONS_HOME");
        Path err = files.resolve("stderr.txt");
        Process process = builder.redirectError(err.toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("bin/addons finished").isTrue();
        Cli.Result result = new Cli.Result(process.exitValue(), out, Files.readString(err));
        Cli.keep(command.toArray(String[]::new), result);
        return result;
    }

    /** Connects with the revealed PG* variables, writes two rows and counts them. */
    private static int countRowsWrittenWith(JsonNode vars) throws SQLException {
        URI url = URI.create(vars.get("DATABASE_URL").asText());
        assertThat(url.getHost()).isEqualTo(vars.get("PGHOST").asText());
        assertThat(url.getPort()).isEqualTo(vars.get("PGPORT").asInt());
        assertThat(url.getPath()).isEqualTo("/" + vars.get("PGDATABASE").asText());
        Properties login = new Properties();
        login.setProperty("user", vars.get("PGUSER").asText());
        login.setProperty("password", vars.get("PGPASSWORD").asText());
        String jdbc = "jdbc:postgresql://" + vars.get("PGHOST").asText() + ":" + vars.get("PGPORT").asText() + "/"
                + vars.get("PGDATABASE").asText();
        try (Connection connection = DriverManager.getConnection(jdbc, login);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)");
            statement.execute("INSERT INTO notes (body) VALUES ('one'), ('two')");
            try (ResultSet count = statement.executeQuery("SELECT count(*) FROM notes")) {
                count.next();
                return count.getInt(1);
            }
        }
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode element : array) {
            if (element.get(field).asText().equals(value)) {
                return element;
            }
        }
        throw new AssertionError("no element with " + field + " = " + value + " in " + array);
    }

    static boolean postgresRunningIn(Path home) throws IOException, InterruptedException {
        Process pgrep = new ProcessBuilder("pgrep", "-f", "postgres -D " + home.toAbsolutePath())
                .redirectErrorStream(true).start();
        pgrep.getInputStream().readAllBytes();
        return pgrep.waitFor() == 0;
    }
}
