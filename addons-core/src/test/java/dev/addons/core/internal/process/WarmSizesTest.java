package dev.addons.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.InvalidSpecException;
import dev.addons.core.runtime.RuntimeContext;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sizes of the warm pools, from the runtime settings: the most specific wins, bad values are refused by name. */
class WarmSizesTest {

    private static WarmSizes of(Map<String, String> settings) {
        return WarmSizes.of(new RuntimeContext(Path.of("/home"), Path.of("/cache"), settings));
    }

    @Test
    void theMostSpecificSettingWinsAndNoneMeansNoWarmServer() {
        WarmSizes sizes = of(Map.of("process.warm", "1", "process.warm.postgresql", "2",
                "process.warm.postgresql.15", "0", "process.warm.rabbitmq.3", "4"));

        assertThat(sizes.size("postgresql", "15")).isZero();
        assertThat(sizes.size("postgresql", "16")).isEqualTo(2);
        assertThat(sizes.size("rabbitmq", "3")).isEqualTo(4);
        assertThat(sizes.size("valkey", "8")).isEqualTo(1);
        assertThat(sizes.named()).containsOnlyKeys("postgresql", "postgresql.15", "rabbitmq.3");
        assertThat(of(Map.of()).size("valkey", "8")).isZero();
    }

    @Test
    void aValueOutsideZeroToFourIsRefusedNamingTheSettingTheValueAndWhatIsAllowed() {
        assertThatThrownBy(() -> of(Map.of("process.warm.valkey", "5")))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("process.warm.valkey").hasMessageContaining("'5'")
                .hasMessageContaining("from 0 to 4");
        assertThatThrownBy(() -> of(Map.of("process.warm", "many")))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("process.warm must be")
                .hasMessageContaining("'many'");
    }

    @Test
    void aMisspelledSettingIsRefusedNamingTheFormsAllowed() {
        assertThatThrownBy(() -> of(Map.of("process.warmth", "1")))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("'process.warmth'")
                .hasMessageContaining("process.warm.<engine>.<version>");
    }
}
