package dev.addons.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonNotFoundException;
import dev.addons.api.AddonSpec;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.ProvisioningException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which operations {@link Addons#onOperation} hears, once each, on the runtime double. */
class OperationListenerTest {
    @TempDir
    Path home;

    FakeRuntime runtime = new FakeRuntime();
    Addons addons;
    List<Operation> operations = Collections.synchronizedList(new ArrayList<>());
    Subscription subscription;

    @BeforeEach
    void open() {
        addons = Addons.builder().home(home).runtime(runtime).automaticBackups(false).build();
        subscription = addons.onOperation(operations::add);
    }

    @AfterEach
    void close() {
        addons.close();
    }

    @Test
    void aCreateThatMakesTheAddonIsHeardOnceAndOneThatFindsItThereIsNot() {
        App shop = addons.app("shop", "staging");

        shop.create(AddonSpec.of("fake"));
        shop.create(AddonSpec.of("fakedb"));
        addons.deploy(AppFile.parse("name = \"shop\"\n[addons.fakedb]\n", "addons.toml"), "staging");

        assertThat(heard()).containsExactly("CREATE fakedb shop/staging ok");
        assertThat(operations.get(0).duration()).isPositive();
    }

    @Test
    void aBackupARestoreAndADestroyAreHeardInTheOrderTheyEnd() {
        App shop = addons.app("shop", "production");
        shop.create(AddonSpec.of("fakedb"));

        BackupInfo backup = shop.backup("fakedb");
        shop.restore("fakedb", backup.file(), true);
        shop.destroy("fakedb", FinalBackup.SKIP);

        assertThat(heard()).containsExactly("CREATE fakedb shop/production ok", "BACKUP fakedb shop/production ok",
                "RESTORE fakedb shop/production ok", "DESTROY fakedb shop/production ok");
    }

    @Test
    void failuresAreHeardWithTheirExceptionIncludingSpecsRefusedBeforeAnythingIsRecorded() {
        App shop = addons.app("shop", "production");
        App failing = addons.app("failing", "production");

        assertThatThrownBy(() -> shop.create(AddonSpec.of("fakedb").withVersion("99")))
                .isInstanceOf(InvalidSpecException.class);
        assertThatThrownBy(() -> shop.create(AddonSpec.of("valkey"))).isInstanceOf(AddonNotFoundException.class);
        assertThatThrownBy(() -> failing.create(AddonSpec.of("fakedb"))).isInstanceOf(ProvisioningException.class);
        assertThatThrownBy(() -> shop.destroy("valkey", FinalBackup.SKIP)).isInstanceOf(AddonNotFoundException.class);
        assertThatThrownBy(() -> shop.destroy("fakedb", FinalBackup.SKIP)).isInstanceOf(AddonNotFoundException.class);

        assertThat(heard()).containsExactly(
                "CREATE fakedb shop/production InvalidSpecException",
                "CREATE unknown shop/production AddonNotFoundException",
                "CREATE fakedb failing/production ProvisioningException",
                "DESTROY unknown shop/production AddonNotFoundException",
                "DESTROY fakedb shop/production AddonNotFoundException");
    }

    @Test
    void destroyAllIsHeardOncePerAddonAndAServerItCouldNotDestroyAsItsAddonsFailure() {
        addons.app("shop", "production").create(AddonSpec.of("fakedb"));
        addons.app("blog", "production").create(AddonSpec.parse("fakedb:shared"));
        addons.app("wiki", "production").create(AddonSpec.parse("fakedb:shared"));
        // Shop's dedicated server: its id is made of its app's name, the shared one's of the engine's.
        runtime.undestroyable = serverId -> serverId.contains("shop");
        operations.clear();

        assertThatThrownBy(() -> addons.destroyAll()).isInstanceOf(ProvisioningException.class)
                .hasMessageContaining("cannot delete the data of fakedb-shop-production");

        assertThat(heard()).containsExactlyInAnyOrder("DESTROY fakedb blog/production ok",
                "DESTROY fakedb wiki/production ok", "DESTROY fakedb shop/production ProvisioningException");
        runtime.undestroyable = serverId -> false;
    }

    @Test
    void aFailingListenerIsSkippedAndAClosedSubscriptionHearsNothingMore() {
        addons.onOperation(operation -> {
            throw new IllegalStateException("a broken listener");
        });
        App shop = addons.app("shop", "production");

        shop.create(AddonSpec.of("fakedb"));
        subscription.close();
        subscription.close();
        shop.destroy("fakedb", FinalBackup.SKIP);

        assertThat(heard()).containsExactly("CREATE fakedb shop/production ok");
    }

    private List<String> heard() {
        synchronized (operations) {
            return operations.stream().map(o -> o.kind() + " " + o.addon() + " " + o.app() + "/" + o.environment()
                    + " " + o.failure().map(f -> f.getClass().getSimpleName()).orElse("ok")).toList();
        }
    }
}
