package dev.addons.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonSpec;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.Variant;
import dev.addons.api.spi.AddonProvider;
import dev.addons.cli.Main;
import dev.addons.core.AppFile;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import picocli.CommandLine;

/**
 * Every fenced block of README.md and examples/README.md is checked, so that the READMEs cannot
 * rot: {@code toml} blocks are parsed as app files and their addons, variants and versions looked
 * up in the providers; every {@code bin/addons} command in an {@code sh} block is parsed by the
 * CLI's own command line (without running it), and every other command is one this test knows,
 * with the scripts, files and modules it names present; {@code java} blocks are compiled (see
 * {@link JavaSnippet}) and {@code java: test} ones run; {@code xml} blocks are well-formed and ask
 * for this build's artifacts. {@code text} blocks are output and are not checked.
 */
class ReadmeSnippetsTest {
    private static final Path ROOT = Path.of(System.getProperty("addons.root", "..")).toAbsolutePath().normalize();
    private static final List<String> READMES = List.of("README.md", "examples/README.md");
    private static final Set<String> LANGUAGES = Set.of("toml", "sh", "java", "xml", "kotlin", "text");
    /** Commands whose arguments are not checked: system tools the READMEs show. */
    private static final Set<String> SYSTEM_COMMANDS = Set.of("curl", "systemctl", "podman", "export", "tar", "psql",
            "docker", "mkdir", "cat", "sudo", "tee");

    @TempDir
    Path temp;

    @TestFactory
    Stream<DynamicTest> everyBlock() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String readme : READMES) {
            for (Snippet snippet : Snippet.all(ROOT, readme)) {
                tests.add(DynamicTest.dynamicTest(snippet.toString(), () -> check(snippet)));
            }
        }
        assertThat(tests).as("the READMEs' blocks").hasSizeGreaterThan(20);
        return tests.stream();
    }

    private void check(Snippet snippet) throws Exception {
        assertThat(snippet.language()).as(snippet.where() + ": the block's language (tag output as text)")
                .isIn(LANGUAGES);
        switch (snippet.language()) {
            case "toml" -> checkAppFile(snippet);
            case "sh" -> checkShell(snippet);
            case "java" -> checkJava(snippet);
            case "xml" -> checkPom(snippet);
            case "kotlin" -> checkGradle(snippet);
            default -> { }
        }
    }

    private static void checkAppFile(Snippet snippet) {
        if (snippet.note().equals("toml: invalid")) {
            assertThatThrownBy(() -> AppFile.parse(snippet.text(), snippet.where()))
                    .as(snippet.where() + ": a bad example").isInstanceOf(InvalidSpecException.class);
            return;
        }
        AppFile file = AppFile.parse(snippet.text(), snippet.where());
        for (AddonSpec spec : file.addons().values()) {
            AddonProvider provider = provider(spec.addon()).orElseThrow(() -> new AssertionError(
                    snippet.where() + ": no addon named " + spec.addon()));
            if (spec.variant() != null) {
                assertThat(provider.descriptor().variants()).extracting(Variant::name).as(snippet.where() + ": variants")
                        .contains(spec.variant());
            }
            if (spec.version() != null && !spec.version().contains(":")) {
                assertThat(provider.descriptor().versions()).as(snippet.where() + ": versions").contains(spec.version());
            }
        }
    }

    private void checkShell(Snippet snippet) {
        Path cwd = ROOT;
        for (String line : snippet.text().lines().toList()) {
            for (List<String> command : ShellLine.commands(line)) {
                String what = snippet.where() + ": " + String.join(" ", command);
                String name = command.get(0);
                List<String> args = command.subList(1, command.size());
                if (name.equals("bin/addons")) {
                    checkAddonsCommand(what, args);
                } else if (name.equals("cd")) {
                    cwd = args.get(0).startsWith("~") || args.get(0).startsWith("/") ? null : cwd.resolve(args.get(0));
                } else if (name.equals("mvn")) {
                    checkMaven(what, cwd, args);
                } else if (name.equals("bash") || name.equals("eval")) {
                    assertThat(ROOT.resolve(args.get(0))).as(what + ": the script").isRegularFile();
                } else if (name.contains("/")) {
                    assertThat(ROOT.resolve(name)).as(what + ": the script").isRegularFile().isExecutable();
                } else {
                    assertThat(SYSTEM_COMMANDS).as(what + ": a command this test knows").contains(name);
                }
            }
        }
    }

    /** Parses like {@code bin/addons} would, runs nothing; checks the addon names and the app files named. */
    private static void checkAddonsCommand(String what, List<String> args) {
        CommandLine.ParseResult parsed;
        try {
            parsed = Main.commandLine(new Main()).parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new AssertionError(what + ": " + e.getMessage(), e);
        }
        CommandLine.ParseResult sub = parsed.subcommand();
        assertThat(sub).as(what + ": a subcommand").isNotNull();
        String command = sub.commandSpec().name();
        if (!command.equals("run") && sub.hasMatchedPositional(0)) {
            String addon = sub.<String>matchedPositionalValue(0, null).split(":")[0];
            assertThat(provider(addon)).as(what + ": an addon named " + addon).isPresent();
        }
        if (sub.hasMatchedOption("-f")) {
            Path file = ROOT.resolve(sub.<Object>matchedOptionValue("-f", null).toString());
            if (file.startsWith(ROOT.resolve("examples"))) {
                AppFile.read(file);
            }
        }
        if (command.equals("run")) {
            String program = sub.<List<String>>matchedPositionalValue(0, List.of()).get(0);
            if (program.contains("/")) {
                assertThat(ROOT.resolve(program)).as(what + ": the program").isRegularFile().isExecutable();
            }
        }
    }

    /** The modules {@code -pl} names exist, and so does the test class {@code -Dtest} names. */
    private static void checkMaven(String what, Path cwd, List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("-pl")) {
                for (String module : args.get(i + 1).split(",")) {
                    assertThat(cwd).as(what + ": -pl outside this repository").isNotNull();
                    assertThat(cwd.resolve(module).resolve("pom.xml")).as(what + ": the module").isRegularFile();
                }
            }
            if (args.get(i).startsWith("-Dtest=") && cwd != null) {
                String test = args.get(i).substring("-Dtest=".length());
                try (Stream<Path> files = Files.walk(cwd)) {
                    assertThat(files.filter(f -> f.toString().contains("/src/test/java/"))
                            .map(f -> f.getFileName().toString())).as(what + ": the test class")
                            .contains(test + ".java");
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
        }
    }

    private void checkJava(Snippet snippet) throws Exception {
        assertThat(snippet.text()).as(snippet.where() + ": placeholders in a java block")
                .doesNotContain("...").doesNotContain("…");
        Path classes = temp.resolve("line-" + snippet.line());
        JavaSnippet.compile(snippet, classes);
        if (snippet.note().equals("java: test")) {
            run(snippet, classes);
        }
    }

    /** Runs a compiled test class with JUnit, on this host's engines, and expects every test to pass. */
    private static void run(Snippet snippet, Path classes) throws Exception {
        try (Stream<Path> files = Files.walk(classes);
                URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                        ReadmeSnippetsTest.class.getClassLoader())) {
            List<Class<?>> testClasses = new ArrayList<>();
            for (Path f : files.filter(f -> f.toString().endsWith("Test.class")).toList()) {
                String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                testClasses.add(loader.loadClass(name));
            }
            assertThat(testClasses).as(snippet.where() + ": a class named *Test").isNotEmpty();
            var events = EngineTestKit.engine("junit-jupiter")
                    .configurationParameters(Map.of("addons.junit.runtime", "process"))
                    .selectors(testClasses.stream().map(DiscoverySelectors::selectClass)
                            .toArray(org.junit.platform.engine.DiscoverySelector[]::new))
                    .execute().allEvents();
            assertThat(events.failed().list()).as(snippet.where() + ": failures").isEmpty();
            assertThat(events.succeeded().filter(e -> e.getTestDescriptor().isTest()).count())
                    .as(snippet.where() + ": passed tests").isPositive();
        }
    }

    /**
     * A build file: well-formed, and every dev.addons artifact it asks for is one of this build's,
     * at this build's version (or the release it will be, without -SNAPSHOT), or without a version
     * when the file imports addons-bom.
     */
    private static void checkPom(Snippet snippet) throws Exception {
        var document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(snippet.text().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        NodeList dependencies = document.getElementsByTagName("dependency");
        assertThat(dependencies.getLength()).as(snippet.where() + ": dependencies").isPositive();
        boolean importsBom = false;
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            importsBom |= text(dependency, "artifactId").equals("addons-bom") && text(dependency, "scope").equals("import");
        }
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            if (!text(dependency, "groupId").equals("dev.addons")) {
                continue;
            }
            checkArtifact(snippet, text(dependency, "artifactId"), text(dependency, "version"), importsBom);
        }
    }

    /** A Gradle (Kotlin DSL) block: each "dev.addons:artifact[:version]" as {@link #checkPom} has it. */
    private static void checkGradle(Snippet snippet) {
        java.util.regex.Matcher coordinates = java.util.regex.Pattern.compile("\"dev\\.addons:([\\w-]+)(?::([^\"]+))?\"")
                .matcher(snippet.text());
        boolean importsBom = snippet.text().contains("platform(\"dev.addons:addons-bom:");
        int found = 0;
        while (coordinates.find()) {
            found++;
            checkArtifact(snippet, coordinates.group(1), coordinates.group(2) == null ? "" : coordinates.group(2),
                    importsBom);
        }
        assertThat(found).as(snippet.where() + ": dev.addons dependencies").isPositive();
    }

    private static void checkArtifact(Snippet snippet, String artifact, String version, boolean importsBom) {
        assertThat(ROOT.resolve(artifact).resolve("pom.xml")).as(snippet.where() + ": a module " + artifact)
                .isRegularFile();
        String built = System.getProperty("addons.version");
        if (version.isEmpty()) {
            assertThat(importsBom).as(snippet.where() + ": " + artifact + " has no version, so addons-bom is imported")
                    .isTrue();
        } else {
            assertThat(version).as(snippet.where() + ": " + artifact + "'s version")
                    .isIn(built, built.replace("-SNAPSHOT", ""));
        }
    }

    private static String text(Element element, String tag) {
        NodeList nodes = element.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().trim();
    }

    private static Optional<AddonProvider> provider(String name) {
        return ServiceLoader.load(AddonProvider.class, ReadmeSnippetsTest.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p.descriptor().answersTo(name))
                .findFirst();
    }
}
