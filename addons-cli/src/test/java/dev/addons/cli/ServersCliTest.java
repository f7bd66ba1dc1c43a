package dev.addons.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.addons.api.spi.AddonProvider;
import dev.addons.testkit.ProviderServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code addons servers add|list|remove} against a real PostgreSQL 15 started in a home of its
 * own, acting as the external server: registration is checked against the server, bad URLs exit
 * with code 2 and one line, a shared addon goes on it from an app file, and the admin password
 * appears in no output, text or JSON.
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

    @BeforeAll
    static void startTheExternalServer() throws Exception {
        AddonProvider postgresql = ServiceLoader.load(AddonProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("postgresql")).findFirst().orElseThrow();
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

        Cli.Result added = cli("servers", "add", "db", "--addon", "postgresql", "--url", url);
        assertThat(added.exitCode()).as(added.toString()).isZero();
        assertThat(added.out()).isEqualTo("Registered postgresql server db at " + external.access().endpoint()
                + " (admin postgres).\n");
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

    private Cli.Result cli(String... args) {
        List<String> all = new ArrayList<>(List.of("--home", home.toString(), "--runtime", "process"));
        all.addAll(List.of(args));
        Cli.Result result = Cli.run(new Main(), all.toArray(String[]::new));
        outputs.add(result);
        return result;
    }
}
