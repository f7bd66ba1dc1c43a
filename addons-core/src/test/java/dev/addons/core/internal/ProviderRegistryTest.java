package dev.addons.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonException;
import dev.addons.api.AddonNotFoundException;
import dev.addons.api.UnsupportedOperationAddonException;
import dev.addons.api.Variant;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.BackupCapability;
import dev.addons.api.spi.ConnectionLimitCapability;
import dev.addons.api.spi.ProviderDescriptor;
import dev.addons.api.spi.TenantCopyCapability;
import dev.addons.core.FakeProvider;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProviderRegistryTest {

    @Test
    void findsProvidersThroughServiceLoaderByNameAndAlias() {
        ProviderRegistry registry = ProviderRegistry.load(getClass().getClassLoader());

        assertThat(registry.all()).extracting(p -> p.descriptor().name()).containsExactly("fakecache", "fakedb");
        assertThat(registry.find("fake")).containsSame(registry.require("fakedb"));
    }

    @Test
    void aMissingCapabilityIsRefusedNamingTheEngineWhatItCannotDoAndTheEnginesThatCan() {
        try (ProviderRegistry registry = ProviderRegistry.load(getClass().getClassLoader())) {
            AddonProvider cache = registry.require("fakecache");

            assertThat(registry.capability(registry.require("fakedb"), BackupCapability.class))
                    .isSameAs(registry.require("fakedb"));
            assertThatThrownBy(() -> registry.capability(cache, BackupCapability.class))
                    .isExactlyInstanceOf(UnsupportedOperationAddonException.class)
                    .hasMessage("not supported: fakecache has no backups. Engines here with backups: [fakedb]");
            assertThat(registry.lacking(cache, ConnectionLimitCapability.class))
                    .isEqualTo("not supported: fakecache limits no tenant's connections. Engines here that limit them:"
                            + " [fakedb]");
            assertThat(registry.lacking(cache, TenantCopyCapability.class))
                    .isEqualTo("not supported: fakecache cannot copy a tenant. Engines here that copy tenants: none");
        }
    }

    @Test
    void theServicesFilesAreReadOnceButEachRegistryHasInstancesOfItsOwn() {
        ClassLoader loader = getClass().getClassLoader();
        try (ProviderRegistry one = ProviderRegistry.load(loader);
                ProviderRegistry two = ProviderRegistry.load(loader)) {
            assertThat(ProviderRegistry.found(loader)).isSameAs(ProviderRegistry.found(loader));
            assertThat(two.require("fakedb")).isNotSameAs(one.require("fakedb"))
                    .isExactlyInstanceOf(one.require("fakedb").getClass());
        }
    }

    @Test
    void closeClosesEveryProviderOnceInReverseOrderCarryingOnPastFailures() {
        List<String> closed = new java.util.concurrent.CopyOnWriteArrayList<>();
        ProviderRegistry registry = new ProviderRegistry(List.of(
                named("a", closed, null), named("b", closed, "b broke"), named("c", closed, "c broke")));

        assertThatThrownBy(registry::close).hasMessage("c broke").satisfies(e ->
                assertThat(e.getSuppressed()).extracting(Throwable::getMessage).containsExactly("b broke"));
        registry.close();

        assertThat(closed).containsExactly("c", "b", "a");
    }

    private static AddonProvider named(String name, List<String> closed, String failure) {
        return new FakeProvider() {
            @Override
            public ProviderDescriptor descriptor() {
                return descriptorNamed(name);
            }

            @Override
            public void close() {
                closed.add(name);
                if (failure != null) {
                    throw new IllegalStateException(failure);
                }
            }
        };
    }

    private static ProviderDescriptor descriptorNamed(String name) {
        return ProviderDescriptor.builder(name).variant(Variant.small("Dedicated")).versions("1").defaultVersion("1")
                .build();
    }

    @Test
    void aProviderWhoseDescriptorBreaksItsRulesIsReportedByClassAndWhatIsWrong() {
        FakeProvider broken = new FakeProvider() {
            @Override
            public ProviderDescriptor descriptor() {
                return ProviderDescriptor.builder("broken").variant(Variant.small("Dedicated")).versions("1", "2")
                        .defaultVersion("3").build();
            }
        };
        assertThatThrownBy(() -> new ProviderRegistry(List.of(new FakeProvider(), broken)))
                .isInstanceOf(AddonException.class)
                .hasMessage("Addon provider " + broken.getClass().getName() + " has an invalid descriptor: broken:"
                        + " default version '3' is not one of the versions [1, 2]. Fix or remove its jar.");
    }

    @Test
    void aProviderWithoutADescriptorIsReportedByClass() {
        FakeProvider none = new FakeProvider() {
            @Override
            public ProviderDescriptor descriptor() {
                return null;
            }
        };
        assertThatThrownBy(() -> new ProviderRegistry(List.of(none)))
                .hasMessage("Addon provider " + none.getClass().getName() + " has an invalid descriptor:"
                        + " descriptor() returned null. Fix or remove its jar.");
    }

    @Test
    void anUnknownNameListsWhatWasFoundAndTheArtifactToAdd() {
        ProviderRegistry registry = new ProviderRegistry(List.of(new FakeProvider()));

        assertThatThrownBy(() -> registry.require("redis"))
                .isInstanceOf(AddonNotFoundException.class)
                .hasMessage("No addon provider named 'redis'. Found: [fakedb]. Add dev.addons:addons-redis.");
        assertThatThrownBy(() -> registry.require("postgress"))
                .hasMessage("No addon provider named 'postgress'. Found: [fakedb]. Check the spelling.");
    }

    @Test
    void twoProvidersForOneNameAreReportedByName() {
        assertThatThrownBy(() -> new ProviderRegistry(List.of(new FakeProvider(), new FakeProvider())))
                .isInstanceOf(AddonException.class)
                .hasMessage("Two addon providers claim the name 'fakedb': dev.addons.core.FakeProvider and "
                        + "dev.addons.core.FakeProvider. Remove one of their jars.");
    }

    @Test
    void anAliasClashingWithAnotherProvidersNameIsReported() {
        FakeProvider other = new FakeProvider() {
            @Override
            public ProviderDescriptor descriptor() {
                return descriptorNamed("fake");
            }
        };
        assertThatThrownBy(() -> new ProviderRegistry(List.of(new FakeProvider(), other)))
                .hasMessageStartingWith("Two addon providers claim the name 'fake'");
    }
}
