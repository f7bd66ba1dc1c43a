package dev.addons.toy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.addons.cli.Main;
import dev.addons.testkit.ServerProcesses;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The CLI (addons-cli) with the toy engine on its class path, its command line run in this JVM as
 * {@code bin/addons} runs it: the toy is listed with its variants and versions, and created, read
 * and destroyed like any addon.
 */
class ToyCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private Path home;

    @BeforeEach
    void createAHome() throws IOException {
        home = ToyHome.create();
    }

    @AfterEach
    void deleteTheHome() throws IOException {
        try {
            assertThat(ServerProcesses.under(home)).as("server processes under " + home).isEmpty();
        } finally {
            ToyHome.delete(home);
        }
    }

    @Test
    void listAvailableListsTheToyWithItsVariantsAndVersions() throws Exception {
        Result text = cli("list-available");
        Result json = cli("--json", "list-available");

        assertThat(text.code()).as(text.err()).isZero();
        List<String> lines = text.out().lines().toList();
        int toy = lines.indexOf("toy - A toy key-value server, for tests");
        assertThat(toy).as(text.out()).isNotNegative();
        assertThat(lines.get(toy + 1)).isEqualTo("  variants: small (default), shared");
        assertThat(lines.get(toy + 2)).startsWith("  default version: 2 on process");
        assertThat(lines.subList(toy + 4, toy + 6)).satisfiesExactly(
                one -> assertThat(one).startsWith("  1 ").contains("installed"),
                two -> assertThat(two).startsWith("  2 (default) ").contains("installed"));
        JsonNode listed = null;
        for (JsonNode addon : JSON.readTree(json.out())) {
            listed = addon.get("name").asText().equals("toy") ? addon : listed;
        }
        assertThat(listed).as(json.out()).isNotNull();
        List<String> variants = new ArrayList<>();
        listed.get("variants").forEach(v -> variants.add(v.get("name").asText()));
        List<String> versions = new ArrayList<>();
        listed.get("versions").forEach(v -> versions.add(v.get("version").asText()));
        assertThat(variants).containsExactly("small", "shared");
        assertThat(versions).containsExactly("1", "2");
    }

    @Test
    void createEnvAndDestroyWorkOnTheToyAsOnAnyAddon() throws Exception {
        Result created = cli("create", "toy", "-a", "shop", "--version", "1");
        assertThat(created.code()).as(created.err()).isZero();
        try {
            Result env = cli("env", "-a", "shop");
            Result revealed = cli("--json", "env", "-a", "shop", "--reveal");

            assertThat(env.code()).as(env.err()).isZero();
            assertThat(env.out().lines()).contains("TOY_URL='<redacted>'", "TOY_HOST=127.0.0.1",
                    "TOY_PASSWORD='<redacted>'");
            try (ToyClient app = ToyClient.connect(JSON.readTree(revealed.out()).get("TOY_URL").asText())) {
                assertThat(app.call("VERSION")).isEqualTo("VERSION 1");
            }
        } finally {
            Result destroyed = cli("destroy", "toy", "-a", "shop");
            assertThat(destroyed.code()).as(destroyed.err()).isZero();
        }
    }

    /** Runs {@code addons --home HOME --runtime process args...} as {@code bin/addons} does. */
    private Result cli(String... args) {
        List<String> all = new ArrayList<>(List.of("--home", home.toString(), "--runtime", "process"));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine(new Main());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute(all.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    private record Result(int code, String out, String err) {
    }
}
