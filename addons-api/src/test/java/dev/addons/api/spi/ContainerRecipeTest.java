package dev.addons.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerRecipeTest {

    @Test
    void hasDefaultsForAllButTheImageItsPortAndItsDataPath() {
        ContainerRecipe recipe = ContainerRecipe.builder("postgres:18", 5432, "/var/lib/postgresql/data").build();

        assertThat(recipe.environment()).isEmpty();
        assertThat(recipe.command()).isEmpty();
        assertThat(recipe.extraPorts()).isEmpty();
        assertThat(recipe.files()).isEmpty();
    }

    @Test
    void keepsWhatIsSet() {
        ContainerRecipe recipe = ContainerRecipe.builder("rabbitmq:4", 5672, "/var/lib/rabbitmq")
                .environment(Map.of("RABBITMQ_DEFAULT_PASS", "s3cret")).command(List.of("rabbitmq-server"))
                .extraPorts(Map.of("management", 15672)).build();

        assertThat(recipe.extraPorts()).containsEntry("management", 15672);
        assertThat(recipe.command()).containsExactly("rabbitmq-server");
        assertThat(recipe.toString()).contains("RABBITMQ_DEFAULT_PASS").doesNotContain("s3cret");
    }

    @Test
    void refusesAMissingOrWrongRequiredFieldNamingIt() {
        assertThatThrownBy(() -> ContainerRecipe.builder(null, 1, "/data"))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("image == null");
        assertThatThrownBy(() -> ContainerRecipe.builder("img", 70000, "/data"))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("port out of range: 70000. Allowed: 1 to 65535");
        assertThatThrownBy(() -> ContainerRecipe.builder("img", 1, null))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("dataPath == null");
    }
}
