package dev.addons.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.addons.api.AddonRecord;
import dev.addons.core.Addons;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.ConnectionFactoryBuilder.Protocol;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.auth.AuthDescriptor;
import net.spy.memcached.auth.PlainCallbackHandler;
import redis.clients.jedis.Jedis;
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
 * The example app file naming all five addons and no versions, deployed with the CLI in one go on
 * the process runtime (no Docker): each gets the newest version this host can serve, the output
 * says which, every addon's variables are printed, redacted where sensitive, each engine's
 * ordinary client works with them, and every server answers on its port until the addons are
 * removed from the file and deployed away again.
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
                addons.app(record.app(), record.environment()).destroy(record.addon());
            }
            assertThat(addons.listAll()).isEmpty();
        }
    }

    @Test
    void deployingAllFiveAddonsWithoutVersionsTakesWhatTheHostCanServeAndEachAnswersItsClient() throws Exception {
        assertThat(Files.readAllLines(EXAMPLE)).as("the example's settings").noneMatch(l -> l.startsWith("version"));
        Cli.Result deployed = cli("deploy", "-f", EXAMPLE.toString());
        assertThat(deployed.exitCode()).as(deployed.toString()).isZero();
        for (String addon : List.of("postgresql", "mysql", "valkey", "rabbitmq", "memcached")) {
            assertThat(deployed.out()).contains(addon + " (everything/production): provisioning -> active");
        }
        assertThat(deployed.out()).contains(
                "postgresql (everything/production): pending: no version asked; 18 is postgresql's default",
                "mysql (everything/production): pending: no version asked; 8 is the newest the process runtime can"
                        + " serve here (mysql's default, 9, it cannot)",
                "rabbitmq (everything/production): pending: no version asked; 3 is the newest the process runtime"
                        + " can serve here (rabbitmq's default, 4, it cannot)",
                "memcached (everything/production): pending: no version asked; 1.6 is memcached's default")
                .containsPattern("valkey \\(everything/production\\): pending: no version asked; [78] is the newest the"
                        + " process runtime can serve here \\(valkey's default, 9, it cannot\\)");
        Map<String, String> versions = new TreeMap<>();
        for (JsonNode addon : JSON.readTree(cli("--json", "list", "-a", "everything").out())) {
            versions.put(addon.get("addon").asText(), addon.get("version").asText());
        }
        assertThat(versions).containsEntry("postgresql", "18").containsEntry("mysql", "8")
                .containsEntry("rabbitmq", "3").containsEntry("memcached", "1.6");
        assertThat(versions.get("valkey")).isIn("7", "8");
        Cli.Result again = cli("deploy", "-f", EXAMPLE.toString());
        assertThat(again.exitCode()).as("an existing addon keeps its version: " + again).isZero();
        assertThat(again.out()).doesNotContain("no version asked");

        Cli.Result env = cli("env", "-a", "everything");
        assertThat(env.exitCode()).as(env.toString()).isZero();
        assertThat(env.out().lines().map(line -> line.substring(0, line.indexOf('='))).toList()).containsExactly(
                "MEMCACHE_URL", "MEMCACHE_HOST", "MEMCACHE_PORT", "MEMCACHE_USERNAME", "MEMCACHE_PASSWORD",
                "DATABASE_URL", "MYSQL_HOST", "MYSQL_PORT", "MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_DATABASE",
                "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE",
                "RABBITMQ_URL", "RABBITMQ_HOST", "RABBITMQ_PORT", "RABBITMQ_USER", "RABBITMQ_PASSWORD", "RABBITMQ_VHOST",
                "VALKEY_URL", "VALKEY_HOST", "VALKEY_PORT", "VALKEY_PASSWORD",
                "REDIS_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD");
        // DATABASE_URL is set by both SQL addons: the first in addon-name order (mysql) keeps it.
        assertThat(env.out()).contains("DATABASE_URL='<redacted>'", "PGPASSWORD='<redacted>'", "MYSQL_PASSWORD='<redacted>'",
                "RABBITMQ_URL='<redacted>'", "VALKEY_PASSWORD='<redacted>'", "MEMCACHE_URL='<redacted>'",
                "MEMCACHE_PASSWORD='<redacted>'");

        JsonNode revealed = JSON.readTree(cli("env", "-a", "everything", "--reveal", "--format", "json").out());
        assertThat(revealed.toString()).contains("\"DATABASE_URL\"");
        assertThat(revealed.findValue("DATABASE_URL").asText()).startsWith("mysql://");
        eachAnswersItsOrdinaryClient(revealed);

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
        Cli.Result kept = cli("deploy", "-f", emptied.toString());
        assertThat(kept.exitCode()).as(kept.toString()).isZero();
        // The clients wrote to MySQL and Valkey: a deploy removes nothing that holds data unasked.
        assertThat(kept.out()).contains("mysql (everything/production) kept: no longer declared, but it holds data;"
                + " deploy with --prune (or --yes) to remove it after a final backup")
                .contains("valkey (everything/production) kept: no longer declared");
        Cli.Result removed = cli("deploy", "-f", emptied.toString(), "--prune", "--no-backup");
        assertThat(removed.exitCode()).as(removed.toString()).isZero();
        assertThat(cli("--json", "list", "-a", "everything").out()).isEqualToIgnoringWhitespace("[]");
        assertThat(ports).noneMatch(AllAddonsCliTest::isListening);
    }

    /** JDBC for the SQL addons, Jedis, the AMQP client and spymemcached, with the variables as given. */
    private static void eachAnswersItsOrdinaryClient(JsonNode env) throws Exception {
        try (Connection pg = DriverManager.getConnection("jdbc:postgresql://" + env.get("PGHOST").asText() + ":"
                + env.get("PGPORT").asText() + "/" + env.get("PGDATABASE").asText(), env.get("PGUSER").asText(),
                env.get("PGPASSWORD").asText()); Statement sql = pg.createStatement();
                ResultSet rows = sql.executeQuery("show server_version")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).startsWith("18.");
        }
        try (Connection mysql = DriverManager.getConnection("jdbc:mysql://" + env.get("MYSQL_HOST").asText() + ":"
                + env.get("MYSQL_PORT").asText() + "/" + env.get("MYSQL_DATABASE").asText(),
                env.get("MYSQL_USER").asText(), env.get("MYSQL_PASSWORD").asText());
                Statement sql = mysql.createStatement()) {
            sql.execute("create table visits (n int)");
            sql.execute("insert into visits values (1)");
            try (ResultSet rows = sql.executeQuery("select count(*) from visits")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getInt(1)).isEqualTo(1);
            }
        }
        try (Jedis valkey = new Jedis(URI.create(env.get("VALKEY_URL").asText()))) {
            valkey.set("greeting", "hello");
            assertThat(valkey.get("greeting")).isEqualTo("hello");
        }
        ConnectionFactory amqp = new ConnectionFactory();
        amqp.setUri(env.get("RABBITMQ_URL").asText());
        try (com.rabbitmq.client.Connection connection = amqp.newConnection();
                Channel channel = connection.createChannel()) {
            String queue = channel.queueDeclare().getQueue();
            channel.basicPublish("", queue, null, "hello".getBytes(StandardCharsets.UTF_8));
            GetResponse got = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (got == null && System.nanoTime() < deadline) {
                got = channel.basicGet(queue, true);
            }
            assertThat(got).as("the message published to " + queue).isNotNull();
            assertThat(new String(got.getBody(), StandardCharsets.UTF_8)).isEqualTo("hello");
        }
        // memcached's authentication is SASL, which spymemcached speaks over the binary protocol.
        MemcachedClient memcached = new MemcachedClient(new ConnectionFactoryBuilder().setProtocol(Protocol.BINARY)
                .setAuthDescriptor(new AuthDescriptor(new String[] {"PLAIN"}, new PlainCallbackHandler(
                        env.get("MEMCACHE_USERNAME").asText(), env.get("MEMCACHE_PASSWORD").asText())))
                .build(), List.of(new InetSocketAddress(env.get("MEMCACHE_HOST").asText(),
                        env.get("MEMCACHE_PORT").asInt())));
        try {
            assertThat(memcached.set("greeting", 60, "hello").get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(memcached.get("greeting")).isEqualTo("hello");
        } finally {
            memcached.shutdown(5, TimeUnit.SECONDS);
        }
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
