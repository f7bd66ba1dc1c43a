package dev.addons.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.addons.api.AddonRecord;
import dev.addons.core.Addons;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example app file naming all five addons, deployed with the CLI in one go: every addon's
 * variables are printed, redacted where sensitive, and every server answers on its port until the
 * addons are removed from the file and deployed away again. Each engine's own module shows its
 * client doing real work; this shows the five living side by side.
 */
class AllAddonsCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path EXAMPLE = Path.of(System.getProperty("addons.root", ".."), "examples", "all-addons",
            "addons.toml").toAbsolutePath().normalize();

    @TempDir
    Path home;

    @TempDir
    Path files;

    /** Destroys whatever the test left, even when it failed half-way: no server may outlive it. */
    @AfterEach
    void destroyEverythingLeft() {
        try (Addons addons = Addons.builder().home(home).runtime("process").build()) {
            for (AddonRecord record : addons.listAll()) {
                addons.destroy(record.app(), record.environment(), record.addon());
            }
            assertThat(addons.listAll()).isEmpty();
        }
    }

    @Test
    void deployingAllFiveAddonsAtOncePrintsEachOnesVariables() throws Exception {
        Cli.Result deployed = cli("deploy", "-f", EXAMPLE.toString());
        assertThat(deployed.exitCode()).as(deployed.toString()).isZero();
        for (String addon : List.of("postgresql", "mysql", "valkey", "rabbitmq", "memcached")) {
            assertThat(deployed.out()).contains(addon + " (everything/production): provisioning -> active");
        }

        Cli.Result env = cli("env", "-a", "everything");
        assertThat(env.exitCode()).as(env.toString()).isZero();
        assertThat(env.out().lines().map(line -> line.substring(0, line.indexOf('='))).toList()).containsExactly(
                "MEMCACHE_URL", "MEMCACHE_HOST", "MEMCACHE_PORT",
                "DATABASE_URL", "MYSQL_HOST", "MYSQL_PORT", "MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_DATABASE",
                "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE",
                "RABBITMQ_URL", "RABBITMQ_HOST", "RABBITMQ_PORT", "RABBITMQ_USER", "RABBITMQ_PASSWORD", "RABBITMQ_VHOST",
                "VALKEY_URL", "VALKEY_HOST", "VALKEY_PORT", "VALKEY_PASSWORD",
                "REDIS_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD");
        // DATABASE_URL is set by both SQL addons: the first in addon-name order (mysql) keeps it.
        assertThat(env.out()).contains("DATABASE_URL='<redacted>'", "PGPASSWORD='<redacted>'", "MYSQL_PASSWORD='<redacted>'",
                "RABBITMQ_URL='<redacted>'", "VALKEY_PASSWORD='<redacted>'");

        JsonNode revealed = JSON.readTree(cli("env", "-a", "everything", "--reveal", "--format", "json").out());
        assertThat(revealed.toString()).contains("\"DATABASE_URL\"");
        assertThat(revealed.findValue("DATABASE_URL").asText()).startsWith("mysql://");

        List<Integer> ports = new ArrayList<>();
        for (JsonNode addon : JSON.readTree(cli("--json", "list", "-a", "everything").out())) {
            assertThat(addon.get("status").asText()).as(addon.toString()).isEqualTo("active");
        }
        for (String line : env.out().lines().toList()) {
            if (line.matches("(MEMCACHE|MYSQL|PG|RABBITMQ|VALKEY)_?PORT=.*")) {
                ports.add(Integer.parseInt(line.substring(line.indexOf('=') + 1).replace("'", "")));
            }
        }
        assertThat(ports).hasSize(5).doesNotHaveDuplicates().allMatch(AllAddonsCliTest::isListening);

        Path emptied = files.resolve("addons.toml");
        Files.writeString(emptied, "name = \"everything\"\n");
        Cli.Result removed = cli("deploy", "-f", emptied.toString());
        assertThat(removed.exitCode()).as(removed.toString()).isZero();
        assertThat(cli("--json", "list", "-a", "everything").out()).isEqualToIgnoringWhitespace("[]");
        assertThat(ports).noneMatch(AllAddonsCliTest::isListening);
    }

    private Cli.Result cli(String... args) {
        List<String> all = new ArrayList<>(List.of("--home", home.toString(), "--runtime", "process"));
        all.addAll(List.of(args));
        return Cli.run(new Main(), all.toArray(String[]::new));
    }

    private static boolean isListening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
