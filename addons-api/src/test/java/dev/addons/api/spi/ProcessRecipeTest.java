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

    private static ProcessRecipe stoppedWith(StopSignal signal) {
        return new ProcessRecipe(CACHE, ProcessRecipe.Initializer.NONE, context -> List.of("cache"), signal,
                Duration.ofSeconds(5));
    }

    @Test
    void isDestroyedWithItsStopSignalUnlessItSaysOtherwise() {
        ProcessRecipe recipe = stoppedWith(StopSignal.TERM);

        assertThat(recipe.destroySignal()).isEqualTo(StopSignal.TERM);
        assertThat(recipe.withDestroySignal(StopSignal.KILL).destroySignal()).isEqualTo(StopSignal.KILL);
        assertThat(recipe.withDestroySignal(StopSignal.KILL).stopSignal()).isEqualTo(StopSignal.TERM);
    }

    @Test
    void keepsItsDestroySignalWhenGivenAlternatives() {
        ProcessRecipe recipe = stoppedWith(StopSignal.INT).withDestroySignal(StopSignal.KILL)
                .withAlternatives(List.of(CACHE));

        assertThat(recipe.destroySignal()).isEqualTo(StopSignal.KILL);
    }

    @Test
    void servesEveryPortFromTheEngineItselfUnlessItNamesHelperPortsWhichItKeepsThroughTheOtherChanges() {
        ProcessRecipe recipe = new ProcessRecipe(CACHE, ProcessRecipe.Initializer.NONE, context -> List.of("cache"),
                StopSignal.TERM, Duration.ofSeconds(5), List.of("admin", "locator"));

        assertThat(recipe.helperPorts()).isEmpty();
        ProcessRecipe helped = recipe.withHelperPorts(List.of("locator"));
        assertThat(helped.helperPorts()).containsExactly("locator");
        assertThat(helped.withDestroySignal(StopSignal.KILL).withAlternatives(List.of(CACHE)).helperPorts())
                .containsExactly("locator");
    }

    @Test
    void refusesAHelperPortThatIsNotOneOfItsExtraPortsNamingTheAllowedOnes() {
        ProcessRecipe recipe = new ProcessRecipe(CACHE, ProcessRecipe.Initializer.NONE, context -> List.of("cache"),
                StopSignal.TERM, Duration.ofSeconds(5), List.of("admin", "locator"));

        assertThatThrownBy(() -> recipe.withHelperPorts(List.of("epmd")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("helperPorts names 'epmd', which is not one of extraPorts. Allowed: [admin, locator]");
        assertThatThrownBy(() -> recipe.withHelperPorts(List.of("locator", "locator")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("duplicate helper port names: [locator, locator]");
    }

    @Test
    void refusesKillAsTheSignalThatStopsAServerKeepingItsData() {
        assertThatThrownBy(() -> stoppedWith(StopSignal.KILL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("stopSignal cannot be KILL");
    }
}
