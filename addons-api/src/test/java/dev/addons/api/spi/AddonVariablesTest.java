package dev.addons.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AddonVariablesTest {

    @Test
    void theUrlMarksAnInjectedAddonAndMoreMarkersMayBeNamed() {
        AddonVariables variables = AddonVariables.of("TOY_URL", List.of("TOY_URL", "TOY_HOST", "TOY_PORT"));

        assertThat(variables.markers()).containsExactly("TOY_URL");
        assertThat(variables.withMarkers("TOY_HOST").markers()).containsExactlyInAnyOrder("TOY_URL", "TOY_HOST");
        assertThat(variables.names()).containsExactly("TOY_URL", "TOY_HOST", "TOY_PORT");
    }

    @Test
    void namesUrlAndMarkersMustAgree() {
        assertThatThrownBy(() -> AddonVariables.of("TOY_URL", List.of("TOY_HOST")))
                .hasMessage("url TOY_URL is not one of names [TOY_HOST]");
        assertThatThrownBy(() -> AddonVariables.of("TOY_URL", List.of("TOY_URL")).withMarkers("TOY_HOST"))
                .hasMessage("markers [TOY_HOST] are not among names [TOY_URL]");
        assertThatThrownBy(() -> new AddonVariables(List.of("TOY_URL", "TOY_HOST"), "TOY_URL", Set.of("TOY_HOST")))
                .hasMessage("markers [TOY_HOST] lack url TOY_URL");
        assertThatThrownBy(() -> AddonVariables.of("TOY_URL", List.of("TOY_URL", "TOY_URL")))
                .hasMessage("duplicate variable names: [TOY_URL, TOY_URL]");
        assertThatThrownBy(() -> AddonVariables.of("toy_url", List.of("toy_url")))
                .hasMessage("variable name must match [A-Z][A-Z0-9_]*: toy_url");
        assertThatThrownBy(() -> AddonVariables.of("TOY_URL", List.of())).hasMessage("names is empty");
    }

    @Test
    void aJdbcUrlKeepsItsSchemesInOrderAndChecksThem() {
        JdbcUrl jdbc = JdbcUrl.of("DATABASE_URL", "postgres", "postgresql", "postgresql", "postgresql");

        assertThat(jdbc.subprotocols().keySet()).containsExactly("postgres", "postgresql");
        assertThatThrownBy(() -> JdbcUrl.of("DATABASE_URL", "Postgres", "postgresql"))
                .hasMessage("scheme must match [a-z][a-z0-9+.-]*: Postgres");
        assertThatThrownBy(() -> JdbcUrl.of("DATABASE_URL", "postgres", "jdbc:postgresql"))
                .hasMessage("subprotocol must match [a-z][a-z0-9]*: jdbc:postgresql");
        assertThatThrownBy(() -> new JdbcUrl("DATABASE_URL", Map.of())).hasMessage("subprotocols is empty");
        assertThatThrownBy(() -> JdbcUrl.of("DATABASE_URL", "postgres")).hasMessage("schemes and subprotocols must pair up");
    }
}
