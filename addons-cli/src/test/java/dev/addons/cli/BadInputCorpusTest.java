package dev.addons.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input corpus ({@code src/test/resources/bad-input/}): app files and command lines that
 * cannot work, each with what its error must say. Every one exits with 2 and one line on stderr
 * naming the problem, and leaves the addons home exactly as it was: nothing provisioned, no file
 * added, changed or removed. Runs on the process runtime; a mistake that got through would start
 * a real server and change the home, so the check cannot pass by accident.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputCorpusTest {
    private static final String EXPECT = "# expect: ";

    @TempDir
    static Path home;

    private Map<String, String> before;

    @BeforeAll
    void openTheHomeOnce() throws IOException {
        Cli.Result listed = cli("list", "-a", "probe");
        assertThat(listed.exitCode()).as(listed.toString()).isZero();
        before = snapshot(home);
    }

    @TestFactory
    Stream<DynamicTest> appFiles() throws IOException, URISyntaxException {
        Path folder = corpus().resolve("app-files");
        List<Path> files;
        try (Stream<Path> listed = Files.list(folder)) {
            files = listed.filter(f -> f.toString().endsWith(".toml")).sorted().toList();
        }
        assertThat(files).as("app files in the corpus").hasSizeGreaterThanOrEqualTo(20);
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            String first = Files.readAllLines(file).get(0);
            assertThat(first).as("the first line of " + file.getFileName()).startsWith(EXPECT);
            Cli.Result result = cli("deploy", "-f", file.toString());
            assertRefused(result, first.substring(EXPECT.length()));
            assertThat(result.err()).contains(file.getFileName().toString());
        }));
    }

    @TestFactory
    Stream<DynamicTest> commandLines() throws IOException, URISyntaxException {
        List<String> lines = Files.readAllLines(corpus().resolve("commands.txt")).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .toList();
        assertThat(lines).as("command lines in the corpus").hasSizeGreaterThanOrEqualTo(20);
        return lines.stream().map(line -> DynamicTest.dynamicTest(line, () -> {
            int arrow = line.lastIndexOf(" => ");
            String[] args = line.substring(0, arrow).split(" \\| ", -1);
            assertRefused(cli(args), line.substring(arrow + 4));
        }));
    }

    /** Exit code 2, one line naming the problem, and the home as it was. */
    private void assertRefused(Cli.Result result, String named) throws IOException {
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.err().lines()).as(result.toString()).hasSize(1);
        assertThat(result.err()).startsWith("addons: ").contains(named);
        assertThat(snapshot(home)).as("the addons home after " + result).isEqualTo(before);
    }

    private Cli.Result cli(String... args) {
        List<String> all = new ArrayList<>(List.of("--home", home.toString(), "--runtime", "process"));
        all.addAll(List.of(args));
        return Cli.run(new Main(), all.toArray(String[]::new));
    }

    private static Path corpus() throws URISyntaxException {
        return Path.of(BadInputCorpusTest.class.getResource("/bad-input").toURI());
    }

    /** Every file under {@code root} with its size and modification time, by path. */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.forEach(path -> {
                try {
                    files.put(root.relativize(path).toString(), Files.isDirectory(path) ? "dir"
                            : Files.size(path) + " bytes, " + Files.getLastModifiedTime(path));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return files;
    }
}
