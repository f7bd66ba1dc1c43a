package dev.addons.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonException;
import dev.addons.api.AddonNotFoundException;
import dev.addons.api.spi.AddonProvider;
import dev.addons.core.FakeProvider;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProviderRegistryTest {

    @Test
    void findsProvidersThroughServiceLoaderByNameAndAlias() {
        ProviderRegistry registry = ProviderRegistry.load(getClass().getClassLoader());

        assertThat(registry.all()).extracting(p -> p.name()).containsExactly("fakecache", "fakedb");
        assertThat(registry.find("fake")).containsSame(registry.require("fakedb"));
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
            public String name() {
                return name;
            }

            @Override
            public Set<String> aliases() {
                return Set.of();
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
            public String name() {
                return "fake";
            }

            @Override
            public Set<String> aliases() {
                return Set.of();
            }
        };
        assertThatThrownBy(() -> new ProviderRegistry(List.of(new FakeProvider(), other)))
                .hasMessageStartingWith("Two addon providers claim the name 'fake'");
    }
}
