package dev.addons.core;

import dev.addons.api.spi.AddonVariables;
import dev.addons.api.spi.Capability;
import dev.addons.api.spi.ProviderDescriptor;
import java.util.Optional;

/** A second test provider, like a cache: no backups, no shared servers, no connection limits. */
public class FakeCacheProvider extends FakeProvider {
    @Override
    public ProviderDescriptor descriptor() {
        return ProviderDescriptor.builder("fakecache").description("A fake cache for tests")
                .variant(dev.addons.api.Variant.small("Dedicated")).versions("1", "2").defaultVersion("2").build();
    }

    /** None of the capabilities the fake database it extends has. */
    @Override
    public <T extends Capability> Optional<T> capability(Class<T> type) {
        return Optional.empty();
    }

    /** Declares nothing of its variables, as a provider written before declarations may. */
    @Override
    public Optional<AddonVariables> variables() {
        return Optional.empty();
    }
}
