package dev.addons.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonSpec;
import dev.addons.api.InvalidSpecException;
import dev.addons.core.internal.AddonState;
import dev.addons.core.internal.StateStore;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code connections} of a shared addon, from the app file or the spec to the provider and
 * the state: the provider gets it when it makes the tenant, a deploy with another value has it
 * change the live tenant without making anything anew, and values the engine cannot take are
 * refused before anything is made. With the fake provider (limits 1 to 50); the limits real
 * servers enforce are tested in the engine modules.
 */
class ConnectionLimitTest {
    @TempDir
    Path home;

    FakeRuntime runtime = new FakeRuntime();
    Addons addons;

    @BeforeEach
    void open() {
        addons = Addons.builder().home(home).runtime(runtime).automaticBackups(false).build();
    }

    @AfterEach
    void close() {
        addons.close();
    }

    @Test
    void theProviderGetsTheDeclaredLimitAndADeployWithAnotherChangesItOnTheLiveTenant() {
        addons.deploy(file("connections = 5\n"), "production");
        String password = addons.app("web", "production").credentials("fakedb").get("FAKE_URL").orElseThrow();

        assertThat(liveLimit()).isEqualTo(5);
        assertThat(addons.app("web", "production").connectionLimit("fakedb")).isEqualTo(OptionalInt.of(5));

        addons.deploy(file("connections = 8\n"), "production");

        assertThat(liveLimit()).isEqualTo(8);
        assertThat(addons.app("web", "production").connectionLimit("fakedb")).isEqualTo(OptionalInt.of(8));
        assertThat(addons.app("web", "production").credentials("fakedb").get("FAKE_URL")).as("the same tenant")
                .contains(password);
        assertThat(runtime.starts).hasValue(1);

        addons.deploy(file(""), "production");

        assertThat(liveLimit()).as("no connections: the default").isEqualTo(AddonSpec.DEFAULT_CONNECTIONS);
        assertThat(addons.app("web", "production").connectionLimit("fakedb"))
                .isEqualTo(OptionalInt.of(AddonSpec.DEFAULT_CONNECTIONS));
    }

    @Test
    void creatingAgainWithAnotherLimitChangesItAndADedicatedAddonHasNone() {
        addons.app("web", "production").create(AddonSpec.parse("fakedb:shared"));
        assertThat(liveLimit()).isEqualTo(AddonSpec.DEFAULT_CONNECTIONS);

        addons.app("web", "production").create(AddonSpec.parse("fakedb:shared").withConnections(50));

        assertThat(liveLimit()).isEqualTo(50);
        addons.app("solo", "production").create(AddonSpec.of("fakedb"));
        assertThat(addons.app("solo", "production").connectionLimit("fakedb")).isEmpty();
    }

    @Test
    void aLimitOutOfTheEnginesRangeIsRefusedNamingTheFieldTheValueAndTheRangeBeforeAnythingIsMade() {
        for (int bad : new int[] {0, -3, 51}) {
            assertThatThrownBy(() -> addons.deploy(file("connections = " + bad + "\n"), "production"))
                    .as("%d", bad)
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessage("addons.fakedb: fakedb connections = " + bad + " is out of range. Allowed: 1 to 50"
                            + " for a fakedb app on a shared server");
        }
        assertThatThrownBy(() -> addons.app("web", "production").create(
                AddonSpec.parse("fakedb:shared").withConnections(51)))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("fakedb connections = 51 is out of range. Allowed: 1 to 50 for a fakedb app on a shared"
                        + " server");

        assertThat(addons.listAll()).isEmpty();
        assertThat(runtime.starts).hasValue(0);
    }

    @Test
    void aLiveTenantsLimitIsLeftAsItWasWhenTheNewOneIsOutOfRange() {
        addons.deploy(file("connections = 5\n"), "production");

        assertThatThrownBy(() -> addons.deploy(file("connections = 99\n"), "production"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("connections = 99 is out of range");

        assertThat(liveLimit()).isEqualTo(5);
        assertThat(addons.app("web", "production").connectionLimit("fakedb")).isEqualTo(OptionalInt.of(5));
    }

    @Test
    void aLimitIsRefusedOnADedicatedVariantAndForAnEngineThatLimitsNone() {
        assertThatThrownBy(() -> addons.deploy(AppFile.parse("name = \"web\"\n[addons.fakedb]\nconnections = 5\n",
                "addons.toml"), "production"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("addons.fakedb: fakedb connections = 5 is refused for variant 'small': a dedicated"
                        + " server's app has the server to itself and no connection limit. Allowed: connections"
                        + " with variant = \"shared\"");
        assertThatThrownBy(() -> addons.app("web", "production").create(AddonSpec.of("fakecache").withConnections(5)))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("fakecache connections = 5 is refused: fakecache limits no app's connections (it has no"
                        + " shared variant; each app has a server of its own). Allowed: no connections for fakecache");

        assertThat(addons.listAll()).isEmpty();
    }

    private static AppFile file(String connections) {
        return AppFile.parse("name = \"web\"\n[addons.fakedb]\nvariant = \"shared\"\n" + connections, "addons.toml");
    }

    /** The limit the fake server holds for web/production's tenant. */
    private Integer liveLimit() {
        AddonState state = new StateStore(home).find("web", "production", "fakedb").orElseThrow();
        return FakeRuntime.connectionLimits(state.serverId()).get(state.binding().get("user"));
    }
}
