package dev.addons.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonNotFoundException;
import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.ProvisioningException;
import dev.addons.api.Status;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app handle of {@link Addons#app}, and deploys of app files, over the in-memory runtime double. */
class AppTest {
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
    void aHandleNamesItsAppAndEnvironmentTheDefaultOneWhenNoneIsGiven() {
        App shop = addons.app("shop", null);

        assertThat(shop.name()).isEqualTo("shop");
        assertThat(shop.environment()).isEqualTo(Addons.DEFAULT_ENVIRONMENT);
        assertThat(shop).isEqualTo(addons.app("shop", "production")).hasSameHashCodeAs(addons.app("shop", "production"))
                .isNotEqualTo(addons.app("shop", "staging")).hasToString("App[shop/production]");
    }

    @Test
    void aBadNameIsRefusedWhenTheHandleIsMadeNamingTheValue() {
        assertThatThrownBy(() -> addons.app("Shop!", "production"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageStartingWith("app name 'Shop!' is invalid");
        assertThatThrownBy(() -> addons.app("shop", "../etc"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageStartingWith("environment '../etc' is invalid");
    }

    @Test
    void getGivesOneAddonByNameOrAliasAndNamesWhatIsMissing() {
        App shop = addons.app("shop", "production");
        AddonRecord created = shop.create(AddonSpec.of("fakedb"));

        assertThat(shop.get("fake")).isEqualTo(shop.get("fakedb")).extracting(AddonRecord::id)
                .isEqualTo(created.id());
        assertThatThrownBy(() -> addons.app("shop", "staging").get("fakedb"))
                .isInstanceOf(AddonNotFoundException.class)
                .hasMessage("App 'shop' has no addon 'fakedb' in staging");
    }

    @Test
    void getSeesAServerThatDiedAsListDoes() {
        App shop = addons.app("shop", "production");
        AddonRecord created = shop.create(AddonSpec.of("fakedb"));
        runtime.running.clear();

        assertThat(shop.get("fakedb").status()).isEqualTo(Status.FAILED);
        assertThat(shop.get("fakedb").message()).isEqualTo("its server " + created.id() + " is not running");
    }

    @Test
    void aCopyNeedsItsSourceFromTheSameAddons() {
        try (Addons other = Addons.builder().home(home).runtime(runtime).automaticBackups(false).build()) {
            App source = other.app("template", "test");

            assertThatThrownBy(() -> addons.app("copy", "test").createCopy("fakedb", source))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("source App[template/test] is an app of another Addons than App[copy/test]");
        }
    }

    @Test
    void aDeployWhoseAddonsFailNamesEachFailure() {
        AppFile file = AppFile.parse("name = \"failing\"\n[addons.fakedb]\n[addons.fakecache]\n", "addons.toml");

        assertThatThrownBy(() -> addons.deploy(file, "staging"))
                .isInstanceOf(ProvisioningException.class)
                .hasMessageStartingWith("Deploy of failing/staging failed: ")
                .hasMessageContaining("Provisioning fakedb for failing/staging failed: tenant failing__staging"
                        + " refused by the fake server")
                .hasMessageContaining("Provisioning fakecache for failing/staging failed")
                .satisfies(e -> assertThat(e.getCause()).isInstanceOf(ProvisioningException.class))
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
        assertThat(addons.app("failing", "staging").list()).extracting(AddonRecord::status)
                .containsOnly(Status.FAILED);
    }
}
