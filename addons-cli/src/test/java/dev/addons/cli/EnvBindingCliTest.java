package dev.addons.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.addons.api.AddonRecord;
import dev.addons.core.Addons;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code addons env --format binding -o DIR} against a real shared PostgreSQL 15 and a memcached
 * on the process runtime: the files read back say what the variables say, are owner-only, and
 * a PostgreSQL client connects with them alone. A bad {@code -o} is refused with exit code 2 and
 * one line.
 */
class EnvBindingCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String APP = "bound";

    @TempDir
    static Path home;

    @TempDir
    Path files;

    @BeforeAll
    static void createPostgresqlAndMemcached() {
        Cli.Result postgresql = cli("create", "postgresql:shared", "-a", APP, "--version", "15");
        assertThat(postgresql.exitCode()).as(postgresql.toString()).isZero();
        Cli.Result memcached = cli("create", "memcached", "-a", APP);
        assertThat(memcached.exitCode()).as(memcached.toString()).isZero();
    }

    @AfterAll
    static void destroyEverything() {
        try (Addons addons = Addons.builder().home(home).runtime("process").build()) {
            for (AddonRecord record : addons.listAll()) {
                addons.app(record.app(), record.environment()).destroy(record.addon());
            }
            assertThat(addons.listAll()).isEmpty();
        }
    }

    @Test
    void bindingFilesSayWhatTheVariablesSay() throws Exception {
        Path out = files.resolve("bindings");
        Cli.Result written = cli("env", "-a", APP, "--format", "binding", "-o", out.toString());
        assertThat(written.exitCode()).as(written.toString()).isZero();
        JsonNode vars = JSON.readTree(cli("env", "-a", APP, "--reveal", "--format", "json").out());

        Map<String, String> postgresql = read(out.resolve("postgresql"));
        assertThat(postgresql.keySet()).containsExactlyInAnyOrder("type", "provider", "host", "port", "username",
                "password", "database", "uri");
        assertThat(postgresql).containsEntry("type", "postgresql").containsEntry("provider", "addons")
                .containsEntry("host", vars.get("PGHOST").asText())
                .containsEntry("port", vars.get("PGPORT").asText())
                .containsEntry("username", vars.get("PGUSER").asText())
                .containsEntry("password", vars.get("PGPASSWORD").asText())
                .containsEntry("database", vars.get("PGDATABASE").asText())
                .containsEntry("uri", vars.get("DATABASE_URL").asText());

        Map<String, String> memcached = read(out.resolve("memcached"));
        assertThat(memcached).containsOnlyKeys("type", "provider", "host", "port", "username", "password", "uri")
                .containsEntry("type", "memcached")
                .containsEntry("host", vars.get("MEMCACHE_HOST").asText())
                .containsEntry("port", vars.get("MEMCACHE_PORT").asText())
                .containsEntry("username", vars.get("MEMCACHE_USERNAME").asText())
                .containsEntry("password", vars.get("MEMCACHE_PASSWORD").asText())
                .containsEntry("uri", vars.get("MEMCACHE_URL").asText());

        assertThat(written.out()).contains(out.resolve("postgresql").toString(), "memcached")
                .doesNotContain(postgresql.get("password")).doesNotContain(memcached.get("password"));
        assertThat(queryWith(postgresql)).isEqualTo(postgresql.get("username"));
    }

    @Test
    void bindingDirectoriesAndFilesAreOwnerOnly() throws Exception {
        Path out = files.resolve("private");
        assertThat(cli("env", "-a", APP, "--format", "binding", "-o", out.toString()).exitCode()).isZero();

        assertThat(permissions(out)).isEqualTo("rwx------");
        for (String addon : List.of("postgresql", "memcached")) {
            assertThat(permissions(out.resolve(addon))).as(addon).isEqualTo("rwx------");
            try (Stream<Path> entries = Files.list(out.resolve(addon))) {
                for (Path entry : entries.toList()) {
                    assertThat(permissions(entry)).as(entry.toString()).isEqualTo("rw-------");
                }
            }
        }
    }

    @Test
    void writingAgainReplacesItsFilesAndLeavesOthersAlone() throws Exception {
        Path out = files.resolve("again");
        assertThat(cli("env", "-a", APP, "--format", "binding", "-o", out.toString()).exitCode()).isZero();
        Path foreign = Files.writeString(out.resolve("memcached").resolve("database"), "the user's own");
        Files.writeString(out.resolve("memcached").resolve("port"), "1");

        Cli.Result again = cli("--json", "env", "-a", APP, "--format", "binding", "-o", out.toString());

        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(JSON.readTree(again.out()).get("memcached").get("entries").toString())
                .isEqualTo("[\"type\",\"provider\",\"host\",\"port\",\"username\",\"password\",\"uri\"]");
        assertThat(foreign).as("a file addons did not write").content().isEqualTo("the user's own");
        assertThat(out.resolve("memcached").resolve("port")).content()
                .isEqualTo(JSON.readTree(cli("env", "-a", APP, "--format", "json").out()).get("MEMCACHE_PORT").asText());
    }

    @Test
    void anOutputThatIsASymbolicLinkIsRefusedAsBadInputInOneLine() throws IOException {
        Path target = Files.createDirectory(files.resolve("target"));
        Path link = Files.createSymbolicLink(files.resolve("link"), target);

        Cli.Result result = cli("env", "-a", APP, "--format", "binding", "-o", link.toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(Failures.BAD_INPUT);
        assertThat(result.err().lines()).hasSize(1);
        assertThat(result.err()).contains("-o " + link + " cannot hold bindings: " + link
                + " is a symbolic link (to " + target + "), which is never followed");
        try (Stream<Path> list = Files.list(target)) {
            assertThat(list).isEmpty();
        }
    }

    @Test
    void aBindingDirectoryThatIsASymbolicLinkIsRefusedAndWhatItPointsToKeepsItsFiles() throws IOException {
        Path out = files.resolve("planted");
        assertThat(cli("env", "-a", APP, "--format", "binding", "-o", out.toString()).exitCode()).isZero();
        Path elsewhere = Files.createDirectory(files.resolve("elsewhere"));
        Path host = Files.writeString(elsewhere.resolve("host"), "someone's host file");
        Path config = Files.writeString(elsewhere.resolve("config"), "someone's config");
        Files.move(out.resolve("postgresql"), files.resolve("moved"));
        Files.createSymbolicLink(out.resolve("postgresql"), elsewhere);

        Cli.Result result = cli("env", "-a", APP, "--format", "binding", "-o", out.toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(Failures.BAD_INPUT);
        assertThat(result.err()).contains(out.resolve("postgresql") + " is a symbolic link");
        assertThat(host).content().isEqualTo("someone's host file");
        assertThat(config).content().isEqualTo("someone's config");
        try (Stream<Path> list = Files.list(elsewhere)) {
            assertThat(list).containsExactlyInAnyOrder(host, config);
        }
    }

    @Test
    void anOutputThatIsAFileIsRefusedAsBadInputInOneLine() throws IOException {
        Path file = Files.writeString(files.resolve("a-file"), "x");

        Cli.Result result = cli("env", "-a", APP, "--format", "binding", "-o", file.toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(Failures.BAD_INPUT);
        assertThat(result.err().lines()).hasSize(1);
        assertThat(result.err()).contains("-o " + file + " cannot hold bindings: it is not a directory");
        assertThat(file).content().isEqualTo("x");
    }

    @Test
    void anOutputThatCannotBeWrittenIsRefusedAsBadInputInOneLine() {
        // Root writes through permission bits, so the place must refuse everyone: sysfs does.
        Path unwritable = Path.of("/sys/addons-binding-test");

        Cli.Result result = cli("env", "-a", APP, "--format", "binding", "-o", unwritable.toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(Failures.BAD_INPUT);
        assertThat(result.err().lines()).hasSize(1);
        assertThat(result.err()).contains("-o " + unwritable + " cannot hold bindings:");
        assertThat(unwritable).doesNotExist();
    }

    @Test
    void bindingWithoutOutputAndOutputWithoutBindingAreRefused() {
        Cli.Result noOutput = cli("env", "-a", APP, "--format", "binding");
        Cli.Result outputForDotenv = cli("env", "-a", APP, "-o", files.toString());

        assertThat(noOutput.exitCode()).isEqualTo(Failures.BAD_INPUT);
        assertThat(noOutput.err()).contains("--format binding needs -o DIR");
        assertThat(outputForDotenv.exitCode()).isEqualTo(Failures.BAD_INPUT);
        assertThat(outputForDotenv.err()).contains("-o is only for --format binding");
    }

    private static Map<String, String> read(Path dir) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            // As a binding reader does: hidden files are not entries.
            for (Path file : list.filter(f -> !f.getFileName().toString().startsWith(".")).toList()) {
                entries.put(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        return entries;
    }

    private static String queryWith(Map<String, String> binding) throws Exception {
        String url = "jdbc:postgresql://" + binding.get("host") + ":" + binding.get("port") + "/" + binding.get("database");
        try (Connection connection = DriverManager.getConnection(url, binding.get("username"), binding.get("password"));
                ResultSet rs = connection.createStatement().executeQuery("SELECT current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static Cli.Result cli(String... args) {
        List<String> all = new ArrayList<>(List.of("--home", home.toString(), "--runtime", "process"));
        all.addAll(List.of(args));
        return Cli.run(new Main(), all.toArray(String[]::new));
    }
}
