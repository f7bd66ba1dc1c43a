package dev.addons.core;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A second test provider, without backups, like a cache. */
public class FakeCacheProvider extends FakeProvider {
    @Override
    public String name() {
        return "fakecache";
    }

    @Override
    public Set<String> aliases() {
        return Set.of();
    }

    @Override
    public String description() {
        return "A fake cache for tests";
    }

    @Override
    public List<dev.addons.api.Variant> variants() {
        return List.of(dev.addons.api.Variant.small("Dedicated"));
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
