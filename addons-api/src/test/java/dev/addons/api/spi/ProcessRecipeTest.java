package dev.addons.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.spi.ProcessRecipe.StopSignal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessRecipeTest {
    private static final BinaryDistribution CACHE = new BinaryDistribution("a cache", List.of(Path.of("/usr/bin")),
            List.of("cache"), null);

    private static ProcessRecipe.Builder cache() {
        return ProcessRecipe.builder(CACHE, context -> List.of("cache")).stopSignal(StopSignal.TERM)
                .stopTimeout(Duration.ofSeconds(5));
    }

    @Test
    void hasDefaultsForAllButTheBinariesTheLauncherAndHowToStop() {
        ProcessRecipe recipe = cache().build();

        assertThat(recipe.initializer()).isSameAs(ProcessRecipe.Initializer.NONE);
        assertThat(recipe.extraPorts()).isEmpty();
        assertThat(recipe.alternatives()).isEmpty();
        assertThat(recipe.templateIfAny()).isEmpty();
        assertThat(recipe.helperPorts()).isEmpty();
        assertThat(recipe.stopTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void isDestroyedWithItsStopSignalUnlessItSaysOtherwise() {
        ProcessRecipe recipe = cache().build();

        assertThat(recipe.destroySignal()).isEqualTo(StopSignal.TERM);
        ProcessRecipe killed = recipe.toBuilder().destroySignal(StopSignal.KILL).build();
        assertThat(killed.destroySignal()).isEqualTo(StopSignal.KILL);
        assertThat(killed.stopSignal()).isEqualTo(StopSignal.TERM);
    }

    @Test
    void aCopyThroughItsBuilderKeepsEveryFieldNotSetAgain() {
        ProcessRecipe recipe = cache().stopSignal(StopSignal.INT).destroySignal(StopSignal.KILL)
                .extraPorts("admin", "locator").helperPorts("locator").build();

        assertThat(recipe.toBuilder().build()).isEqualTo(recipe);
        ProcessRecipe alternatives = recipe.toBuilder().alternatives(List.of(CACHE)).build();
        assertThat(alternatives.destroySignal()).isEqualTo(StopSignal.KILL);
        assertThat(alternatives.helperPorts()).containsExactly("locator");
        assertThat(alternatives.candidates()).containsExactly(CACHE, CACHE);
    }

    @Test
    void refusesAHelperPortThatIsNotOneOfItsExtraPortsNamingTheAllowedOnes() {
        ProcessRecipe.Builder recipe = cache().extraPorts("admin", "locator");

        assertThatThrownBy(() -> recipe.helperPorts("epmd").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("helperPorts names 'epmd', which is not one of extraPorts. Allowed: [admin, locator]");
        assertThatThrownBy(() -> recipe.helperPorts("locator", "locator").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("duplicate helper port names: [locator, locator]");
    }

    @Test
    void refusesKillAsTheSignalThatStopsAServerKeepingItsData() {
        assertThatThrownBy(() -> cache().stopSignal(StopSignal.KILL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("stopSignal cannot be KILL")
                .hasMessageEndingWith("Allowed: TERM, INT, QUIT");
    }

    @Test
    void refusesARecipeWithoutHowToStopItNamingTheField() {
        assertThatThrownBy(() -> ProcessRecipe.builder(CACHE, context -> List.of("cache"))
                .stopTimeout(Duration.ofSeconds(5)).build())
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("stopSignal is not set. Allowed: TERM, INT, QUIT");
        assertThatThrownBy(() -> ProcessRecipe.builder(CACHE, context -> List.of("cache"))
                .stopSignal(StopSignal.TERM).build())
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("stopTimeout is not set: how long to wait after the stop signal");
        assertThatThrownBy(() -> cache().stopTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stopTimeout must be positive: PT0S");
        assertThatThrownBy(() -> ProcessRecipe.builder(null, context -> List.of("cache")))
                .isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("binaries == null");
        assertThatThrownBy(() -> ProcessRecipe.builder(CACHE, null))
                .isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("launcher == null");
    }

    @Test
    void refusesABadPortNameNamingIt() {
        assertThatThrownBy(() -> cache().extraPorts("Admin").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port name must match [a-z][a-z0-9-]{0,30}: Admin");
    }
}
