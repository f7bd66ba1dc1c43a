package dev.addons.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.addons.api.AddonNotFoundException;
import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.Credentials;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.ProvisioningException;
import dev.addons.api.Status;
import dev.addons.api.StatusListener;
import dev.addons.api.Variable;
import dev.addons.core.Addons;
import dev.addons.core.App;
import dev.addons.core.BackupInfo;
import dev.addons.core.RecordedAddons;
import dev.addons.core.runtime.ProgressListener;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/**
 * What each command prints and returns, over a mocked facade: the seam is {@link AddonsFactory};
 * the end-to-end tests run the same commands over the real one. The variables {@code env} and
 * {@code run} read from the home's records are the mocked facade's.
 */
class CommandsTest {
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
    private static final String SECRET = "s3cr3t-Pa55";

    private final Addons addons = mock(Addons.class);
    private final App app = mock(App.class);
    private Path openedHome;
    private StatusListener listener;
    private final AddonsFactory factory = new AddonsFactory() {
        @Override
        public Addons open(Path home, String runtime, StatusListener statusListener, ProgressListener progress) {
            openedHome = home;
            listener = statusListener;
            return addons;
        }

        @Override
        public RecordedAddons recorded(Path home) {
            openedHome = home;
            RecordedAddons recorded = mock(RecordedAddons.class);
            when(recorded.env(anyString(), anyString()))
                    .thenAnswer(call -> addons.app(call.getArgument(0), call.getArgument(1)).env());
            return recorded;
        }
    };

    @BeforeEach
    void everyAppIsTheMockedOne() {
        when(addons.app(anyString(), anyString())).thenReturn(app);
    }

    private static AddonRecord record(Status status, String message) {
        return new AddonRecord("postgresql-myapp-production-abc123", "myapp", "production", "postgresql", "shared",
                "18", "process", status, message, NOW, NOW);
    }

    private static Credentials credentials() {
        return Credentials.of(
                Variable.secret("DATABASE_URL", "postgres://myapp:" + SECRET + "@127.0.0.1:5432/myapp"),
                Variable.plain("PGHOST", "127.0.0.1"),
                Variable.plain("PGPORT", "5432"),
                Variable.plain("PGUSER", "myapp"),
                Variable.secret("PGPASSWORD", SECRET),
                Variable.plain("PGDATABASE", "myapp"));
    }

    @Test
    void restartRestartsTheAddonsServerAndSaysSoOrPrintsTheRecordAsJson() throws Exception {
        when(app.restart("postgresql")).thenReturn(record(Status.ACTIVE, ""));

        Cli.Result text = Cli.run(new Main(factory), "restart", "postgresql", "-a", "myapp");
        Cli.Result json = Cli.run(new Main(factory), "--json", "restart", "postgresql", "-a", "myapp");

        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out()).isEqualTo("postgresql (myapp/production): restarted\n");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        assertThat(new ObjectMapper().readTree(json.out()).get("status").asText()).isEqualTo("active");
    }

    @Test
    void healthPrintsALineAnAddonAndExitsWithOneWhenOneCannotServe() throws Exception {
        when(app.health()).thenReturn(List.of(
                new dev.addons.core.Health(record(Status.ACTIVE, ""), false, "its server s1: its engine (pid 7) is"
                        + " stopped (SIGSTOP)", dev.addons.core.ServerHistory.NONE)));

        Cli.Result text = Cli.run(new Main(factory), "health", "-a", "myapp");
        Cli.Result json = Cli.run(new Main(factory), "--json", "health", "-a", "myapp");

        assertThat(text.exitCode()).as(text.toString()).isEqualTo(1);
        assertThat(text.out()).isEqualTo("postgresql: UNHEALTHY - its server s1: its engine (pid 7) is stopped"
                + " (SIGSTOP)\n");
        assertThat(json.exitCode()).isEqualTo(1);
        assertThat(new ObjectMapper().readTree(json.out()).get(0).get("healthy").asBoolean()).isFalse();
    }

    @Test
    void globalOptionsWorkBeforeAndAfterTheCommand() throws Exception {
        when(app.list()).thenReturn(List.of());

        Cli.Result before = Cli.run(new Main(factory), "--home", "/tmp/h1", "--json", "list", "-a", "myapp", "--env", "staging");
        assertThat(openedHome).isEqualTo(Path.of("/tmp/h1"));
        Cli.Result after = Cli.run(new Main(factory), "list", "-a", "myapp", "--env", "staging", "--home", "/tmp/h2", "--json");
        assertThat(openedHome).isEqualTo(Path.of("/tmp/h2"));

        assertThat(new ObjectMapper().readTree(before.out()).isArray()).isTrue();
        assertThat(after.out()).isEqualTo(before.out());
    }

    @Test
    void listPrintsATableAndJson() throws Exception {
        when(app.list()).thenReturn(List.of(record(Status.ACTIVE, "")));
        when(app.history("postgresql")).thenReturn(dev.addons.core.ServerHistory.NONE);

        Cli.Result text = Cli.run(new Main(factory), "list", "-a", "myapp", "--env", "production");
        Cli.Result json = Cli.run(new Main(factory), "list", "-a", "myapp", "--env", "production", "--json");

        assertThat(text.exitCode()).isZero();
        assertThat(text.out().lines()).containsExactly(
                "ADDON       VARIANT  VERSION  STATUS  RUNTIME  ID",
                "postgresql  shared   18       active  process  postgresql-myapp-production-abc123");
        JsonNode first = new ObjectMapper().readTree(json.out()).get(0);
        assertThat(first.get("addon").asText()).isEqualTo("postgresql");
        assertThat(first.get("status").asText()).isEqualTo("active");
        assertThat(first.get("createdAt").asText()).isEqualTo("2025-01-01T00:00:00Z");
    }

    @Test
    void backupsListsTheKeptArchivesAndRunDueSaysHowManyWereTaken() throws Exception {
        BackupInfo backup = new BackupInfo(Path.of("/h/backups/myapp/production/postgresql/a.tar.zst"), "myapp",
                "production", "postgresql", "18", "small", NOW, BackupInfo.SCHEDULED, 2_500_000, 300_000,
                "ab".repeat(32));
        when(app.backups()).thenReturn(List.of(backup));
        when(addons.runDueBackups()).thenReturn(3);

        Cli.Result text = Cli.run(new Main(factory), "backups", "-a", "myapp");
        Cli.Result json = Cli.run(new Main(factory), "--json", "backups", "-a", "myapp");
        Cli.Result due = Cli.run(new Main(factory), "backups", "--run-due");
        Cli.Result policyWithoutName = Cli.run(new Main(factory), "backups", "-a", "myapp", "--keep-last", "3");

        assertThat(text.out().lines()).containsExactly(
                "ADDON       CREATED               TRIGGER    DATA    ARCHIVE   FILE",
                "postgresql  2025-01-01T00:00:00Z  scheduled  2.5 MB  300.0 kB  "
                        + "/h/backups/myapp/production/postgresql/a.tar.zst");
        JsonNode first = new ObjectMapper().readTree(json.out()).get(0);
        assertThat(first.get("payloadBytes").asLong()).isEqualTo(2_500_000);
        assertThat(first.get("trigger").asText()).isEqualTo("scheduled");
        assertThat(due.out()).isEqualTo("Took 3 automatic backups.\n");
        assertThat(policyWithoutName.exitCode()).isEqualTo(2);
        assertThat(policyWithoutName.err()).contains("the policy options need the addon's NAME");
    }

    @Test
    void listShowsStoppedAddonsRestartsAndTheLastCrash() throws Exception {
        when(app.list()).thenReturn(List.of(record(Status.STOPPED, "stopped on request")));
        when(app.history("postgresql")).thenReturn(new dev.addons.core.ServerHistory(2,
                NOW, "found not running; last lines of its log:\nFATAL: could not map anonymous shared memory"));

        Cli.Result text = Cli.run(new Main(factory), "list", "-a", "myapp");
        Cli.Result json = Cli.run(new Main(factory), "list", "-a", "myapp", "--json");

        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out().lines()).contains(
                "postgresql  shared   18       stopped  process  postgresql-myapp-production-abc123  stopped on request",
                "postgresql: restarted 2 time(s) after a crash; last crash 2025-01-01T00:00:00Z: found not running;"
                        + " last lines of its log: FATAL: could not map anonymous shared memory");
        JsonNode first = new ObjectMapper().readTree(json.out()).get(0);
        assertThat(first.get("status").asText()).isEqualTo("stopped");
        assertThat(first.get("restarts").asInt()).isEqualTo(2);
        assertThat(first.get("lastCrashAt").asText()).isEqualTo("2025-01-01T00:00:00Z");
        assertThat(first.get("lastCrash").asText()).contains("FATAL: could not map");
    }

    @Test
    void listAllPrintsEveryAppAndEnvironmentOfTheHome() throws Exception {
        AddonRecord other = new AddonRecord("valkey-t-orders-0a8f3d451a-test-x1", "t-orders-0a8f3d451a", "test",
                "valkey", "small", "7", "process", Status.ACTIVE, "", NOW, NOW);
        when(addons.listAll()).thenReturn(List.of(record(Status.ACTIVE, ""), other));
        when(app.history(anyString())).thenReturn(dev.addons.core.ServerHistory.NONE);

        Cli.Result text = Cli.run(new Main(factory), "list", "--all");
        Cli.Result json = Cli.run(new Main(factory), "list", "--all", "--json");
        Cli.Result both = Cli.run(new Main(factory), "list", "--all", "-a", "myapp");
        when(addons.listAll()).thenReturn(List.of());
        Cli.Result none = Cli.run(new Main(factory), "list", "--all");

        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out().lines()).containsExactly(
                "APP                  ENV         ADDON       VARIANT  VERSION  STATUS  RUNTIME  ID",
                "myapp                production  postgresql  shared   18       active  process  "
                        + "postgresql-myapp-production-abc123",
                "t-orders-0a8f3d451a  test        valkey      small    7        active  process  "
                        + "valkey-t-orders-0a8f3d451a-test-x1");
        JsonNode second = new ObjectMapper().readTree(json.out()).get(1);
        assertThat(second.get("app").asText()).isEqualTo("t-orders-0a8f3d451a");
        assertThat(second.get("environment").asText()).isEqualTo("test");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("--all", "--app");
        assertThat(none.out()).isEqualTo("The home has no addons.\n");
    }

    @Test
    void listSaysSoWhenTheAppHasNoAddons() {
        when(app.list()).thenReturn(List.of());

        Cli.Result result = Cli.run(new Main(factory), "list", "-a", "myapp", "--env", "production");

        assertThat(result.out()).isEqualTo("myapp has no addons in production.\n");
    }

    @Test
    void envRedactsSensitiveValuesUnlessRevealed() {
        when(app.env()).thenReturn(credentials());

        Cli.Result redacted = Cli.run(new Main(factory), "env", "-a", "myapp", "--env", "production");
        Cli.Result revealed = Cli.run(new Main(factory), "env", "-a", "myapp", "--env", "production", "--reveal");

        assertThat(redacted.out()).doesNotContain(SECRET);
        assertThat(redacted.out().lines()).containsExactly(
                "DATABASE_URL='<redacted>'", "PGHOST=127.0.0.1", "PGPORT=5432", "PGUSER=myapp",
                "PGPASSWORD='<redacted>'", "PGDATABASE=myapp");
        assertThat(revealed.out()).contains("DATABASE_URL=postgres://myapp:" + SECRET + "@127.0.0.1:5432/myapp",
                "PGPASSWORD=" + SECRET);
    }

    @Test
    void envAndRunReadTheHomesRecordsWithoutOpeningTheFacadeWhichProbesAndReconciles() {
        AddonsFactory recordsOnly = new AddonsFactory() {
            @Override
            public Addons open(Path home, String runtime, StatusListener statusListener, ProgressListener progress) {
                throw new AssertionError("the facade was opened on " + home);
            }

            @Override
            public RecordedAddons recorded(Path home) {
                RecordedAddons recorded = mock(RecordedAddons.class);
                when(recorded.env("myapp", "production")).thenReturn(credentials());
                return recorded;
            }
        };

        Cli.Result env = Cli.run(new Main(recordsOnly), "env", "-a", "myapp");
        Cli.Result run = Cli.run(new Main(recordsOnly), "run", "-a", "myapp", "--", "sh", "-c",
                "test \"$PGDATABASE\" = myapp");

        assertThat(env.exitCode()).as(env.toString()).isZero();
        assertThat(env.out()).contains("PGDATABASE=myapp");
        assertThat(run.exitCode()).as(run.toString()).isZero();
    }

    @Test
    void envAsJsonIsAnObjectInTheVariablesOrder() throws Exception {
        when(app.env()).thenReturn(credentials());

        Cli.Result format = Cli.run(new Main(factory), "env", "-a", "myapp", "--env", "production", "--format", "json");
        Cli.Result global = Cli.run(new Main(factory), "--json", "env", "-a", "myapp", "--env", "production");

        JsonNode variables = new ObjectMapper().readTree(format.out());
        assertThat(variables.fieldNames()).toIterable()
                .containsExactly("DATABASE_URL", "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE");
        assertThat(variables.get("DATABASE_URL").asText()).isEqualTo(Variable.REDACTED);
        assertThat(global.out()).isEqualTo(format.out());
    }

    @Test
    void createPassesTheNameVariantAndVersion() {
        when(app.create(any())).thenReturn(record(Status.ACTIVE, ""));

        Cli.Result result = Cli.run(new Main(factory), "create", "postgresql:shared", "-a", "myapp", "--env", "staging",
                "--version", "16");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        ArgumentCaptor<AddonSpec> spec = ArgumentCaptor.forClass(AddonSpec.class);
        verify(addons).app("myapp", "staging");
        verify(app).create(spec.capture());
        assertThat(spec.getValue()).isEqualTo(new AddonSpec("postgresql", "shared", "16"));
    }

    @Test
    void createPassesTheConnectionLimitAndPrintsTheOneInForce() throws Exception {
        when(app.create(any())).thenReturn(record(Status.ACTIVE, ""));
        when(app.connectionLimit("postgresql")).thenReturn(java.util.OptionalInt.of(5));

        Cli.Result text = Cli.run(new Main(factory), "create", "postgresql:shared", "-a", "myapp", "--connections", "5");
        Cli.Result json = Cli.run(new Main(factory), "--json", "create", "postgresql:shared", "-a", "myapp",
                "--connections", "5");

        assertThat(text.exitCode()).as(text.toString()).isZero();
        ArgumentCaptor<AddonSpec> spec = ArgumentCaptor.forClass(AddonSpec.class);
        verify(addons, org.mockito.Mockito.times(2)).app("myapp", "production");
        verify(app, org.mockito.Mockito.times(2)).create(spec.capture());
        assertThat(spec.getValue()).isEqualTo(new AddonSpec("postgresql", "shared", null).withConnections(5));
        assertThat(text.out().lines()).containsExactly(
                "ADDON       VARIANT  VERSION  STATUS  RUNTIME  CONNECTIONS  ID",
                "postgresql  shared   18       active  process  5            postgresql-myapp-production-abc123");
        assertThat(new ObjectMapper().readTree(json.out()).get("connections").asInt()).isEqualTo(5);
    }

    @Test
    void listShowsEachAddonsConnectionLimitAndADashForNone() throws Exception {
        AddonRecord dedicated = new AddonRecord("valkey-myapp-production-def456", "myapp", "production", "valkey",
                "small", "7", "process", Status.ACTIVE, "", NOW, NOW);
        when(app.list()).thenReturn(List.of(record(Status.ACTIVE, ""), dedicated));
        when(app.history(anyString())).thenReturn(dev.addons.core.ServerHistory.NONE);
        when(app.connectionLimit("postgresql")).thenReturn(java.util.OptionalInt.of(20));

        Cli.Result text = Cli.run(new Main(factory), "list", "-a", "myapp");
        Cli.Result json = Cli.run(new Main(factory), "list", "-a", "myapp", "--json");

        assertThat(text.out().lines()).containsExactly(
                "ADDON       VARIANT  VERSION  STATUS  RUNTIME  CONNECTIONS  ID",
                "postgresql  shared   18       active  process  20           postgresql-myapp-production-abc123",
                "valkey      small    7        active  process  -            valkey-myapp-production-def456");
        JsonNode rows = new ObjectMapper().readTree(json.out());
        assertThat(rows.get(0).get("connections").asInt()).isEqualTo(20);
        assertThat(rows.get(1).get("connections").isNull()).isTrue();
    }

    @Test
    void createPrintsTransitionsAsTheyHappen() {
        when(app.create(any())).thenAnswer(call -> {
            listener.onTransition(record(Status.PENDING, ""), null);
            listener.onTransition(record(Status.PROVISIONING, ""), Status.PENDING);
            listener.onTransition(record(Status.ACTIVE, ""), Status.PROVISIONING);
            return record(Status.ACTIVE, "");
        });

        Cli.Result result = Cli.run(new Main(factory), "create", "postgresql:shared", "-a", "myapp", "--env", "production");

        assertThat(result.out()).startsWith("postgresql (myapp/production): pending\n"
                + "postgresql (myapp/production): pending -> provisioning\n"
                + "postgresql (myapp/production): provisioning -> active\n");
    }

    @Test
    void createWithJsonKeepsTransitionsOffStdout() throws Exception {
        when(app.create(any())).thenAnswer(call -> {
            listener.onTransition(record(Status.PROVISIONING, ""), Status.PENDING);
            return record(Status.ACTIVE, "");
        });

        Cli.Result result = Cli.run(new Main(factory), "--json", "create", "postgresql", "-a", "myapp");

        assertThat(result.err()).contains("pending -> provisioning");
        assertThat(new ObjectMapper().readTree(result.out()).get("status").asText()).isEqualTo("active");
    }

    @Test
    void invalidInputExitsTwoWithTheLibrarysMessageOnOneLine() {
        when(app.create(any())).thenThrow(
                new InvalidSpecException("version '99' of postgresql is not supported.\nSupported: [14, 15]"));

        Cli.Result result = Cli.run(new Main(factory), "create", "postgresql", "-a", "myapp", "--version", "99");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("addons: version '99' of postgresql is not supported. Supported: [14, 15]\n");
    }

    @Test
    void anUnknownAddonExitsTwo() {
        when(addons.variants("nosuch")).thenThrow(new AddonNotFoundException("No addon provider named 'nosuch'"));

        Cli.Result result = Cli.run(new Main(factory), "variants", "nosuch");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("addons: No addon provider named 'nosuch'\n");
    }

    @Test
    void aProvisioningFailureExitsOneAndVerboseAddsTheCauses() {
        when(app.create(any())).thenThrow(new ProvisioningException(
                "postgresql for myapp failed to start", new IOException("initdb exited with 1")));

        Cli.Result plain = Cli.run(new Main(factory), "create", "postgresql", "-a", "myapp");
        Cli.Result verbose = Cli.run(new Main(factory), "create", "postgresql", "-a", "myapp", "--verbose");

        assertThat(plain.exitCode()).isEqualTo(1);
        assertThat(plain.err()).isEqualTo("addons: postgresql for myapp failed to start\n");
        assertThat(verbose.exitCode()).isEqualTo(1);
        assertThat(verbose.err().lines()).containsExactly("addons: postgresql for myapp failed to start",
                "  caused by: java.io.IOException: initdb exited with 1");
    }

    @Test
    void runExitsWithTheCommandsCodeAndHandsItTheVariables() {
        when(app.env()).thenReturn(credentials());

        Cli.Result result = Cli.run(new Main(factory), "run", "-a", "myapp", "--env", "production", "--",
                "sh", "-c", "test \"$PGDATABASE\" = myapp && test \"$PGPASSWORD\" = " + SECRET
                        + " && test \"$ADDONS_APP\" = myapp && exit 7");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(7);
    }

    @Test
    void runTakesTheCommandsOwnOptionsWithoutDashDash() {
        when(app.env()).thenReturn(credentials());

        Cli.Result result = Cli.run(new Main(factory), "run", "-a", "myapp", "--env", "production", "sh", "-c", "exit 3");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(3);
    }

    @Test
    void runOfAMissingCommandExits127() {
        when(app.env()).thenReturn(credentials());

        Cli.Result result = Cli.run(new Main(factory), "run", "-a", "myapp", "--env", "production", "--", "/nonexistent/cmd");

        assertThat(result.exitCode()).isEqualTo(127);
        assertThat(result.err()).startsWith("addons: cannot run /nonexistent/cmd: ");
    }
}
