package dev.addons.core.internal;

import dev.addons.api.AddonNotFoundException;
import dev.addons.api.AddonRecord;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.ProvisioningException;
import dev.addons.api.Status;
import dev.addons.api.Variant;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.TenantCopyCapability;
import dev.addons.api.spi.TenantRequest;
import java.time.Duration;

/**
 * Creates an app's addon as a copy of another app's on the same shared server, through
 * {@link dev.addons.api.spi.TenantCopyCapability#provisionCopy}: the record, the server lease and the undoing on failure are
 * {@link AddonLifecycle#create}'s, only the tenant is made by copying. Thread-safe.
 */
public final class TenantCopies {
    private final StateStore store;
    private final ProviderRegistry registry;
    private final AddonLifecycle lifecycle;
    private final Runtimes runtimes;

    public TenantCopies(StateStore store, ProviderRegistry registry, AddonLifecycle lifecycle, Runtimes runtimes) {
        this.store = store;
        this.registry = registry;
        this.lifecycle = lifecycle;
        this.runtimes = runtimes;
    }

    /** Creates {@code addon} for {@code app} as a copy of {@code sourceApp}'s; returns it ACTIVE. */
    public AddonRecord create(String app, String environment, String addon, String sourceApp,
            String sourceEnvironment, Duration timeout) {
        AddonProvider provider = registry.require(addon);
        String name = provider.descriptor().name();
        AddonState source = store.find(sourceApp, sourceEnvironment, name).orElseThrow(() ->
                new AddonNotFoundException("App '" + sourceApp + "' has no addon '" + name + "' in "
                        + sourceEnvironment + " to copy"));
        AddonRecord from = source.record();
        if (from.status() != Status.ACTIVE) {
            throw new ProvisioningException(name + " of " + sourceApp + "/" + sourceEnvironment + " is "
                    + from.status().name().toLowerCase(java.util.Locale.ROOT) + ": only an active addon is copied");
        }
        Variant variant = provider.descriptor().variants().stream().filter(v -> v.name().equals(from.variant())).findFirst()
                .orElseThrow(() -> new InvalidSpecException(name + " has no variant '" + from.variant() + "'"));
        if (!variant.shared()) {
            throw new InvalidSpecException(name + " of " + sourceApp + "/" + sourceEnvironment + " is "
                    + variant.name() + ": only a tenant of a shared server is copied, onto that server");
        }
        TenantCopyCapability copies = registry.capability(provider, TenantCopyCapability.class);
        // A copy goes on the source's server; for an external one, no runtime is involved.
        boolean external = from.runtime().equals(ExternalServers.RUNTIME);
        ResolvedSpec spec = new ResolvedSpec(provider, variant, from.version(),
                external ? runtimes.chosen() : runtimes.get(from.runtime()), external ? source.serverId() : null);
        TenantRequest sourceTenant = source.tenant(provider);
        Binding sourceBinding = new Binding(source.binding());
        return lifecycle.create(app, environment, spec, timeout, (tenant, server) -> {
            if (!server.serverId().equals(source.serverId())) {
                throw new ProvisioningException("Copying " + name + " of " + sourceApp + "/" + sourceEnvironment
                        + ": it is on server " + source.serverId() + ", the copy got " + server.serverId());
            }
            return copies.provisionCopy(tenant, sourceTenant, sourceBinding, server);
        });
    }
}
