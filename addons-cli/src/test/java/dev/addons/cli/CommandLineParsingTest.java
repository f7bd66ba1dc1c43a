package dev.addons.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.core.Addons;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Usage errors, help and defaults: nothing here opens an addons home. */
class CommandLineParsingTest {
    private static final AddonsFactory NEVER = (home, runtime, listener, progress) -> {
        throw new AssertionError("a usage error must not open the addons home");
    };

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "bogus",
        "list",
        "create -a myapp",
        "create postgresql",
        "list -a myapp --nope",
        "env -a myapp --format xml",
        "run -a myapp",
    })
    void usageErrorsExitTwoWithOneLineOnStderr(String args) {
        Cli.Result result = Cli.run(new Main(NEVER), args.isEmpty() ? new String[0] : args.split(" "));

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.out()).isEmpty();
        assertThat(result.err().lines()).as(result.toString()).hasSize(1);
        assertThat(result.err()).startsWith("addons: ").contains("--help");
    }

    @Test
    void aMissingAppFileIsBadInputNamedBeforeTheHomeIsOpened() {
        Cli.Result result = Cli.run(new Main(NEVER), "deploy", "-f", "/nonexistent/addons.toml");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("addons: App file not found: /nonexistent/addons.toml\n");
    }

    @Test
    void aBadSleepAfterIsRefusedNamingTheOptionTheValueAndTheAllowedFormBeforeTheHomeIsOpened() {
        Cli.Result result = Cli.run(new Main(NEVER), "create", "postgresql", "-a", "myapp", "--sleep-after", "500ms");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("addons: --sleep-after '500ms' is not a sleep duration. Allowed: a whole"
                + " number and a unit, s, m or h (e.g. 5s, 15m, 2h), at least 1s\n");
    }

    @Test
    void connectionsThatAreNoNumberAreRefusedNamingTheOptionAndTheValueBeforeTheHomeIsOpened() {
        Cli.Result result = Cli.run(new Main(NEVER), "create", "postgresql:shared", "-a", "myapp", "--connections",
                "many");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err().lines()).hasSize(1);
        assertThat(result.err()).startsWith("addons: ").contains("--connections", "'many'");
    }

    @Test
    void anUnknownFormatIsNamedWithTheAllowedOnes() {
        Cli.Result result = Cli.run(new Main(NEVER), "env", "-a", "myapp", "--format", "xml");

        assertThat(result.err()).contains("--format must be dotenv, json or binding, not 'xml'");
    }

    @Test
    void helpListsEveryCommand() {
        Cli.Result result = Cli.run(new Main(NEVER), "--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("list-available", "variants", "create", "list", "env", "destroy",
                "deploy", "run", "--home", "--json");
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"list-available", "variants", "create", "list", "env", "destroy",
            "deploy", "run"}) {
            Cli.Result result = Cli.run(new Main(NEVER), command, "--help");

            assertThat(result.exitCode()).as(command).isZero();
            assertThat(result.out()).as(command).startsWith("Usage: addons " + command);
        }
    }

    @Test
    void versionPrintsTheBuildsVersion() {
        Cli.Result result = Cli.run(new Main(NEVER), "--version");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("addons ").doesNotContain("${");
    }

    @Test
    void theHomeDefaultsToAddonsInTheUsersHomeAndForRootToVarLibAddons() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("ADDONS_HOME") == null);

        assertThat(new Main().home()).isEqualTo("root".equals(System.getProperty("user.name"))
                ? Path.of("/var/lib/addons") : Path.of(System.getProperty("user.home"), ".addons"));
    }

    @Test
    void theDefaultEnvironmentIsTheLibrarysDefault() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("ADDONS_ENV") == null);
        EnvironmentOption option = new EnvironmentOption();
        new picocli.CommandLine(option).parseArgs();

        assertThat(option.name).isEqualTo(Addons.DEFAULT_ENVIRONMENT);
    }
}
