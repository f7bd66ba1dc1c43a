package dev.addons.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.addons.api.spi.AddonProvider;
import dev.addons.testkit.ProviderServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code addons servers add|list|remove} against a real PostgreSQL 15 started in a home of its
 * own, acting as the external server: registration is checked against the server, bad URLs exit
 * with code 2 and one line, a shared addon goes on it from an app file, and the admin password
 * appears in no output, text or JSON. The admin URL is read from an owner-only file, stdin or the
 * environment, so that it is not in the process list.
 */
class ServersCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ProviderServer external;
    private static String password;
    private static String url;

    @TempDir
    Path home;

    @TempDir
    Path files;

    private final List<Cli.Result> outputs = new ArrayList<>();
    private final Map<Process, Path> processErrors = new HashMap<>();
    private final Map<Process, List<String>> processArgs = new HashMap<>();

    @BeforeAll
    static void startTheExternalServer() throws Exception {
        AddonProvider postgresql = ServiceLoader.load(AddonProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.descriptor().name().equals("postgresql")).findFirst().orElseThrow();
        external = ProviderServer.start(postgresql, "15");
        password = external.access().adminPassword();
        url = "postgresql://" + external.access().adminUser() + ":" + password + "@" + external.access().endpoint()
                + "/postgres";
    }

    @AfterAll
    static void stopTheExternalServer() throws Exception {
        if (external != null) {
            external.close();
        }
    }

    /** A launcher a failed test left waiting on stdin may not outlive it. */
    @AfterEach
    void stopLaunchers() throws Exception {
        for (Process process : processErrors.keySet()) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("bin/addons stopped").isTrue();
        }
    }

    @Test
    void serversAreAddedListedAndRemovedWithoutShowingThePassword() throws Exception {
        Cli.Result http = cli("servers", "add", "db", "--addon", "postgresql", "--url", url.replace("postgresql:",
                "http:"));
        assertThat(http.exitCode()).as(http.toString()).isEqualTo(2);
        assertThat(http.err()).isEqualTo("addons: --url 'http://postgres:***@" + external.access().endpoint()
                + "/postgres' has scheme 'http' (scheme): use for --addon postgresql: [postgres, postgresql]\n");
        Cli.Result noPort = cli("servers", "add", "db", "--addon", "postgresql", "--url", "postgresql://u:"
                + password + "@/x");
        assertThat(noPort.exitCode()).as(noPort.toString()).isEqualTo(2);
        assertThat(noPort.err()).contains("names no host (host)").hasLineCount(1);
        Cli.Result wrongEngine = cli("servers", "add", "db", "--addon", "mysql", "--url",
                url.replace("postgresql:", "mysql:"));
        assertThat(wrongEngine.exitCode()).as(wrongEngine.toString()).isEqualTo(1);
        assertThat(wrongEngine.err()).startsWith("addons: External server 'db': no mysql server accepted user postgres at "
                + external.access().endpoint()).hasLineCount(1);
        Cli.Result misplaced = cli("servers", "add", "db", url);
        assertThat(misplaced.exitCode()).as(misplaced.toString()).isEqualTo(2);

        Cli.Result added = cli("servers", "add", "db", "--addon", "postgresql", "--url-file", urlFile().toString());
        assertThat(added.exitCode()).as(added.toString()).isZero();
        assertThat(added.out()).isEqualTo("Registered postgresql server db at " + external.access().endpoint()
                + " (admin postgres, TLS as the driver negotiates, unverified).\nAddons touches only the databases and"
                + " users it makes there (each marked as this home's); tenants can connect to the databases other roles"
                + " may (on PostgreSQL: postgres and template1), never to another tenant's. Use --harden to close those"
                + " too.\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                home.resolve("state/servers/external-db.json")))).isEqualTo("rw-------");

        Path appFile = files.resolve("shop.toml");
        Files.writeString(appFile, "name = \"shop\"\n[addons.postgresql]\nvariant = \"shared\"\nserver = \"db\"\n");
        Cli.Result deployed = cli("deploy", "-f", appFile.toString());
        assertThat(deployed.exitCode()).as(deployed.toString()).isZero();
        Path wrongFile = files.resolve("other.toml");
        Files.writeString(wrongFile, "name = \"other\"\n[addons.mysql]\nvariant = \"shared\"\nserver = \"db\"\n");
        Cli.Result wrong = cli("deploy", "-f", wrongFile.toString());
        assertThat(wrong.exitCode()).as(wrong.toString()).isEqualTo(2);
        assertThat(wrong.err()).contains("addons.mysql: external server 'db' is a postgresql server, not mysql");
        Files.writeString(wrongFile, "name = \"other\"\n[addons.postgresql]\nvariant = \"shared\"\nserver = \"nodb\"\n");
        Cli.Result unknown = cli("deploy", "-f", wrongFile.toString());
        assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(2);
        assertThat(unknown.err()).contains("no external server named 'nodb'. Registered: [db]");

        Cli.Result small = cli("create", "postgresql", "-a", "blog", "--server", "db");
        assertThat(small.exitCode()).as(small.toString()).isEqualTo(2);
        assertThat(small.err()).contains("server = \"db\" needs variant = \"shared\", not 'small'");

        Cli.Result list = cli("servers", "list");
        assertThat(list.out()).isEqualTo(String.format("NAME  ADDON       ENDPOINT%s  ADMIN     TENANTS%n"
                + "db    postgresql  %s  postgres  1%n", " ".repeat(external.access().endpoint().toString().length()
                        - "ENDPOINT".length()), external.access().endpoint()));
        JsonNode json = JSON.readTree(cli("servers", "list", "--json").out());
        assertThat(json).hasSize(1);
        assertThat(json.get(0).get("name").asText()).isEqualTo("db");
        assertThat(json.get(0).get("port").asInt()).isEqualTo(external.access().endpoint().port());
        assertThat(json.get(0).get("tenants").get(0).asText()).isEqualTo("shop/production");

        Cli.Result refused = cli("servers", "remove", "db");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("addons: External server 'db' still hosts [shop/production]: destroy"
                + " those addons first\n");
        assertThat(cli("destroy", "postgresql", "-a", "shop").exitCode()).isZero();
        Cli.Result removed = cli("servers", "remove", "db", "--json");
        assertThat(removed.exitCode()).as(removed.toString()).isZero();
        assertThat(JSON.readTree(removed.out()).get("tenants")).isEmpty();
        assertThat(cli("servers", "list").out()).startsWith("No external servers.");
        assertThat(external.processes()).as("the external server").isNotEmpty().allMatch(ProcessHandle::isAlive);

        assertThat(outputs).allSatisfy(result -> assertThat(result.out() + result.err()).doesNotContain(password));
    }

    @Test
    void theAdminUrlIsReadFromStdinOrTheEnvironmentOutOfTheProcessList() throws Exception {
        Process reading = binAddons(List.of("servers", "add", "piped", "--addon", "postgresql", "--url-stdin"),
                Map.of());
        // While it waits for stdin, the command lines of the launcher and of its JVM are what ps shows
        // (once its JVM runs: during an exec, /proc shows an empty command line).
        String shown = commandLine(reading.toHandle());
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                !shown.contains(Main.class.getName()) && System.nanoTime() < deadline; ) {
            Thread.onSpinWait();
            shown = commandLine(reading.toHandle());
        }
        assertThat(shown).contains("--url-stdin").doesNotContain(password);
        reading.getOutputStream().write((url + "\n").getBytes(StandardCharsets.UTF_8));
        reading.getOutputStream().close();
        Cli.Result piped = finish(reading);
        assertThat(piped.exitCode()).as(piped.toString()).isZero();
        assertThat(piped.out()).startsWith("Registered postgresql server piped at " + external.access().endpoint()
                + " (admin postgres, TLS as the driver negotiates, unverified).\n");

        Cli.Result fromEnv = finish(binAddons(List.of("servers", "add", "exported", "--addon", "postgresql",
                "--url-env", "MAIN_DB_URL"), Map.of("MAIN_DB_URL", url)));
        assertThat(fromEnv.exitCode()).as(fromEnv.toString()).isZero();
        assertThat(fromEnv.out()).startsWith("Registered postgresql server exported at ");
        assertThat(cli("servers", "list").out()).contains("exported", "piped");

        Cli.Result unset = finish(binAddons(List.of("servers", "add", "unset", "--addon", "postgresql",
                "--url-env", "NO_SUCH_URL"), Map.of()));
        assertThat(unset.exitCode()).as(unset.toString()).isEqualTo(2);
        assertThat(unset.err()).isEqualTo("addons: --url-env NO_SUCH_URL: no such environment variable: export"
                + " NO_SUCH_URL with the admin URL (see 'addons servers add --help')\n");
        Process empty = binAddons(List.of("servers", "add", "empty", "--addon", "postgresql", "--url-stdin"),
                Map.of());
        empty.getOutputStream().close();
        Cli.Result noLine = finish(empty);
        assertThat(noLine.exitCode()).as(noLine.toString()).isEqualTo(2);
        assertThat(noLine.err()).startsWith("addons: --url-stdin: stdin ended before a line: give the admin URL on"
                + " its first line");
        assertThat(cli("servers", "remove", "piped").exitCode()).isZero();
        assertThat(cli("servers", "remove", "exported").exitCode()).isZero();
        assertThat(outputs).allSatisfy(result -> assertThat(result.out() + result.err()).doesNotContain(password));
    }

    @Test
    void aUrlFileOthersMayReadIsRefusedNamingItsMode() throws Exception {
        Path file = urlFile();
        for (String mode : List.of("rw-r--r--", "rw-r-----", "rw----r--", "rw--w----")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            Cli.Result refused = cli("servers", "add", "db", "--addon", "postgresql", "--url-file", file.toString());
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
            assertThat(refused.err()).isEqualTo("addons: --url-file '" + file + "' has mode " + mode + ": it holds"
                    + " the admin password, so only its owner may have access. Allowed: rw------- or r--------"
                    + " (chmod 600 '" + file + "') (see 'addons servers add --help')\n");
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        Cli.Result readOnly = cli("servers", "add", "db", "--addon", "postgresql", "--url-file", file.toString());
        assertThat(readOnly.exitCode()).as(readOnly.toString()).isZero();

        Path missing = files.resolve("missing-url");
        Cli.Result noFile = cli("servers", "add", "x", "--addon", "postgresql", "--url-file", missing.toString());
        assertThat(noFile.exitCode()).as(noFile.toString()).isEqualTo(2);
        assertThat(noFile.err()).startsWith("addons: --url-file '" + missing + "': no such file");
        Path blank = ownerOnly(files.resolve("blank-url"), "\n");
        Cli.Result empty = cli("servers", "add", "x", "--addon", "postgresql", "--url-file", blank.toString());
        assertThat(empty.exitCode()).as(empty.toString()).isEqualTo(2);
        assertThat(empty.err()).startsWith("addons: --url-file '" + blank + "' is empty: it must hold the admin URL");
        Path two = ownerOnly(files.resolve("two-urls"), url + "\n" + url + "\n");
        Cli.Result twoLines = cli("servers", "add", "x", "--addon", "postgresql", "--url-file", two.toString());
        assertThat(twoLines.exitCode()).as(twoLines.toString()).isEqualTo(2);
        assertThat(twoLines.err()).startsWith("addons: --url-file '" + two + "' holds 2 lines: it must hold the"
                + " admin URL alone, on one line");

        Cli.Result none = cli("servers", "add", "x", "--addon", "postgresql");
        assertThat(none.exitCode()).as(none.toString()).isEqualTo(2);
        assertThat(none.err()).isEqualTo("addons: the admin URL needs exactly one of --url-file FILE, --url-stdin,"
                + " --url-env NAME or --url URL (which shows the password in the process list); none was given"
                + " (see 'addons servers add --help')\n");
        Cli.Result several = cli("servers", "add", "x", "--addon", "postgresql", "--url-file", file.toString(),
                "--url-env", "X", "--url-stdin");
        assertThat(several.exitCode()).as(several.toString()).isEqualTo(2);
        assertThat(several.err()).contains("; got --url-file, --url-stdin, --url-env (see");
        assertThat(cli("servers", "list").out()).contains("db").doesNotContain("x ");
        assertThat(cli("servers", "remove", "db").exitCode()).isZero();
        assertThat(outputs).allSatisfy(result -> assertThat(result.out() + result.err()).doesNotContain(password));
    }

    @Test
    void theHelpSaysThatUrlShowsThePasswordInTheProcessList() {
        Cli.Result help = cli("servers", "add", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(Failures.oneLine(help.out())).contains("--url-file=FILE", "--url-stdin", "--url-env=NAME",
                "a command line is visible to every user of the host (ps, /proc)");
    }

    /** The admin URL in an owner-only file, as a user would keep it. */
    private Path urlFile() throws Exception {
        return ownerOnly(files.resolve("main-db.url"), url + "\n");
    }

    private static Path ownerOnly(Path file, String text) throws Exception {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text);
        return file;
    }

    /** {@code bin/addons} in a JVM of its own on this test's classpath, with {@code environment} added. */
    private Process binAddons(List<String> args, Map<String, String> environment) throws Exception {
        Path script = Path.of(System.getProperty("addons.root", ".."), "bin", "addons").toAbsolutePath().normalize();
        List<String> command = new ArrayList<>(List.of(script.toString(), "--home", home.toString(), "--runtime",
                "process"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(files.toFile());
        builder.environment().put("ADDONS_CLI_CLASSPATH", System.getProperty("java.class.path"));
        builder.environment().remove("ADDONS_HOME");
        builder.environment().putAll(environment);
        Path err = Files.createTempFile(files, "stderr", ".txt");
        Process process = builder.redirectError(err.toFile()).start();
        processErrors.put(process, err);
        processArgs.put(process, command);
        return process;
    }

    private Cli.Result finish(Process process) throws Exception {
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("bin/addons finished").isTrue();
        Cli.Result result = new Cli.Result(process.exitValue(), out, Files.readString(processErrors.get(process)));
        Cli.keep(processArgs.get(process).toArray(String[]::new), result);
        outputs.add(result);
        return result;
    }

    /** The command lines of {@code process} and its descendants, as any user reads them in /proc. */
    private static String commandLine(ProcessHandle process) throws Exception {
        StringBuilder all = new StringBuilder();
        List<ProcessHandle> handles = new ArrayList<>(List.of(process));
        process.descendants().forEach(handles::add);
        for (ProcessHandle handle : handles) {
            Path cmdline = Path.of("/proc", Long.toString(handle.pid()), "cmdline");
            if (Files.exists(cmdline)) {
                all.append(new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).replace('\0', ' '))
                        .append('\n');
            }
        }
        return all.toString();
    }

    private Cli.Result cli(String... args) {
        List<String> all = new ArrayList<>(List.of("--home", home.toString(), "--runtime", "process"));
        all.addAll(List.of(args));
        Cli.Result result = Cli.run(new Main(), all.toArray(String[]::new));
        outputs.add(result);
        return result;
    }
}
