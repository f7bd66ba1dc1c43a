package dev.addons.core;

import dev.addons.api.spi.ProviderDescriptor;
import java.util.Optional;

/** A second test provider, without backups, like a cache. */
public class FakeCacheProvider extends FakeProvider {
    @Override
    public ProviderDescriptor descriptor() {
        return ProviderDescriptor.builder("fakecache").description("A fake cache for tests")
                .variant(dev.addons.api.Variant.small("Dedicated")).versions("1", "2").defaultVersion("2").build();
    }

    /** A cache has no shared servers to limit its apps' connections on. */
    @Override
    public java.util.OptionalInt maxTenantConnections() {
        return java.util.OptionalInt.empty();
    }

    /** Declares nothing of its variables, as a provider written before declarations may. */
    @Override
    public Optional<dev.addons.api.spi.AddonVariables> variables() {
        return Optional.empty();
    }

    @Override
    public Optional<String> backupUnsupportedReason() {
        return Optional.of("not supported: fakecache is a cache");
    }
}
