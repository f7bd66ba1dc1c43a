package dev.addons.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DotEnvTest {
    @Test
    void plainValuesStayAsTheyAre() {
        assertThat(DotEnv.quote("postgres://u:p@127.0.0.1:5432/db")).isEqualTo("postgres://u:p@127.0.0.1:5432/db");
        assertThat(DotEnv.quote("")).isEqualTo("");
    }

    @Test
    void valuesAShellWouldReadOtherwiseAreQuoted() {
        assertThat(DotEnv.quote("<redacted>")).isEqualTo("'<redacted>'");
        assertThat(DotEnv.quote("a b$c")).isEqualTo("'a b$c'");
        assertThat(DotEnv.quote("it's $x")).isEqualTo("\"it's \\$x\"");
    }
}
