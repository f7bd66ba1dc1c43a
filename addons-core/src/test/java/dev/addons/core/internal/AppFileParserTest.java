package dev.addons.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonSpec;
import dev.addons.api.InvalidSpecException;
import dev.addons.core.AppFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AppFileParserTest {

    @Test
    void readsNameRuntimeAndAddonsInFileOrder() {
        AppFile file = AppFile.parse("""
                name = "myapp"
                runtime = "process"
                [addons.postgresql]
                variant = "shared"
                version = "15"
                [addons.valkey]
                """, "app.toml");

        assertThat(file.name()).isEqualTo("myapp");
        assertThat(file.runtime()).isEqualTo("process");
        assertThat(file.addons()).containsExactly(
                java.util.Map.entry("postgresql", new AddonSpec("postgresql", "shared", "15")),
                java.util.Map.entry("valkey", new AddonSpec("valkey", null, null)));
    }

    @Test
    void acceptsAnIntegerVersionAndAnImageReference() {
        AppFile file = AppFile.parse("""
                name = "myapp"
                [addons.postgresql]
                version = 16
                [addons.mysql]
                version = "registry.example.com/custom-mysql:8-custom"
                """, "app.toml");

        assertThat(file.addons().get("postgresql").version()).isEqualTo("16");
        assertThat(file.addons().get("mysql").isImageReference()).isTrue();
    }

    @Test
    void rejectsUnknownKeysByNameWithTheAllowedOnes() {
        assertThatThrownBy(() -> AppFile.parse("name = \"a\"\nnmae = \"b\"\n", "app.toml"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("app.toml: unknown key 'nmae'. Allowed: [addons, name, runtime]");
        assertThatThrownBy(() -> AppFile.parse("name = \"a\"\n[addons.postgresql]\nvarient = \"small\"\n", "app.toml"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("app.toml: unknown key 'addons.postgresql.varient'. Allowed: [backups, connections, server, sleep_after, variant, version]");
    }

    @Test
    void readsSleepAfterInSecondsMinutesOrHours() {
        AppFile file = AppFile.parse("""
                name = "myapp"
                [addons.postgresql]
                sleep_after = "15m"
                [addons.valkey]
                sleep_after = "5s"
                [addons.mysql]
                sleep_after = "2h"
                [addons.memcached]
                """, "app.toml");

        assertThat(file.addons().get("postgresql").sleepAfter()).isEqualTo(java.time.Duration.ofMinutes(15));
        assertThat(file.addons().get("valkey").sleepAfter()).isEqualTo(java.time.Duration.ofSeconds(5));
        assertThat(file.addons().get("mysql").sleepAfter()).isEqualTo(java.time.Duration.ofHours(2));
        assertThat(file.addons().get("memcached").sleepAfterIfSet()).isEmpty();
    }

    @Test
    void rejectsABadSleepAfterNamingTheKeyTheValueAndTheAllowedForm() {
        for (String bad : new String[] {"0s", "500ms", "15", "1d", "soon"}) {
            assertThatThrownBy(() -> AppFile.parse("name = \"a\"\n[addons.postgresql]\nsleep_after = \"" + bad
                    + "\"\n", "app.toml"))
                    .as(bad)
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessage("app.toml: addons.postgresql.sleep_after '" + bad + "' is not a sleep duration."
                            + " Allowed: a whole number and a unit, s, m or h (e.g. 5s, 15m, 2h), at least 1s");
        }
        assertThatThrownBy(() -> AppFile.parse("name = \"a\"\n[addons.postgresql]\nsleep_after = 60\n", "app.toml"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("app.toml: addons.postgresql.sleep_after must be a string, got number");
    }

    @Test
    void readsConnectionsAsAWholeNumberLeavingItsRangeToTheEngine() {
        AppFile file = AppFile.parse("""
                name = "myapp"
                [addons.postgresql]
                variant = "shared"
                connections = 5
                [addons.mysql]
                variant = "shared"
                """, "app.toml");

        assertThat(file.addons().get("postgresql").connections()).isEqualTo(5);
        assertThat(file.addons().get("postgresql")).isEqualTo(new AddonSpec("postgresql", "shared", null)
                .withConnections(5));
        assertThat(file.addons().get("mysql").connectionsIfSet()).isEmpty();
        assertThat(AppFile.parse("name = \"a\"\n[addons.postgresql]\nconnections = 500\n", "app.toml").addons()
                .get("postgresql").connections()).as("checked against postgresql's range when deployed").isEqualTo(500);
    }

    @Test
    void rejectsConnectionsThatAreNoWholeNumberNamingTheKeyAndTheValue() {
        assertThatThrownBy(() -> AppFile.parse("name = \"a\"\n[addons.postgresql]\nconnections = \"5\"\n",
                "app.toml"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("app.toml: addons.postgresql.connections = \"5\" must be a whole number, e.g."
                        + " connections = 7");
        assertThatThrownBy(() -> AppFile.parse("name = \"a\"\n[addons.postgresql]\nconnections = 2.5\n",
                "app.toml"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("app.toml: addons.postgresql.connections = 2.5 must be a whole number, e.g."
                        + " connections = 7");
    }

    @Test
    void rejectsMalformedTomlWithItsLine() {
        assertThatThrownBy(() -> AppFile.parse("name = \"a\"\n[addons.postgresql\n", "app.toml"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageStartingWith("app.toml: malformed TOML at line 2");
    }

    @Test
    void rejectsMissingEmptyAndWronglyTypedValues() {
        assertThatThrownBy(() -> AppFile.parse("[addons.postgresql]\n", "app.toml"))
                .hasMessage("app.toml: name is missing, e.g. name = \"myapp\"");
        assertThatThrownBy(() -> AppFile.parse("name = \"\"\n", "app.toml"))
                .hasMessage("app.toml: name is empty");
        assertThatThrownBy(() -> AppFile.parse("name = \"a\"\n[addons.postgresql]\nvariant = 3\n", "app.toml"))
                .hasMessage("app.toml: addons.postgresql.variant must be a string, got number");
        assertThatThrownBy(() -> AppFile.parse("name = \"a\"\n[addons.memcached]\nversion = 1.6\n", "app.toml"))
                .hasMessage("app.toml: addons.memcached.version = 1.6 is a number: quote it, e.g. version = \"1.6\"");
        assertThatThrownBy(() -> AppFile.parse("name = \"a\"\naddons = 1\n", "app.toml"))
                .hasMessage("app.toml: addons must be a table, e.g. [addons.postgresql]");
        assertThatThrownBy(() -> AppFile.parse("", "app.toml"))
                .hasMessage("app.toml: name is missing, e.g. name = \"myapp\"");
    }

    @Test
    void rejectsNamesThatCouldReachPathsOrSql() {
        assertThatThrownBy(() -> AppFile.parse("name = \"../etc\"\n", "app.toml"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("app.toml: name '../etc' is invalid: use 1-40 lower-case letters, digits and single '-',"
                        + " starting with a letter");
        assertThatThrownBy(() -> AppFile.parse("name = \"a\"\n[addons.\"pg'; drop\"]\n", "app.toml"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageStartingWith("app.toml: addon name 'pg'; drop' is invalid");
    }

    @Test
    void aMissingFileIsNamed() {
        assertThatThrownBy(() -> AppFile.read(Path.of("/nonexistent/app.toml")))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("App file not found: /nonexistent/app.toml");
    }
}
