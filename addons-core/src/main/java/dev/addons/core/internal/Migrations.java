package dev.addons.core.internal;

import dev.addons.api.AddonException;
import dev.addons.api.AddonRecord;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.ProvisioningException;
import dev.addons.api.Status;
import dev.addons.api.Variant;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.TenantRequest;
import dev.addons.core.BackupInfo;
import dev.addons.core.runtime.ProgressListener;
import dev.addons.core.runtime.ServerRuntime;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves an addon to another variant (dedicated {@code small} to {@code shared} and back) by
 * backup and restore: the new tenant is made on the other variant's server next to the old one,
 * the backup restored into it, and the app's variables swapped to it only when the copy's
 * {@linkplain AddonProvider#summary summary} equals the source's. Until then, and whenever a step
 * fails, the old tenant serves the app untouched and the new one is removed. Writes the app
 * makes after the backup began are not carried over: the summaries then differ and the move is
 * refused, so stop writing for the move. Thread-safe.
 */
public final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    private final StateStore store;
    private final ProviderRegistry registry;
    private final Servers servers;
    private final Backups backups;
    private final Function<String, ServerRuntime> runtimes;
    private final ProgressListener progress;

    public Migrations(StateStore store, ProviderRegistry registry, Servers servers, Backups backups,
            Function<String, ServerRuntime> runtimes, ProgressListener progress) {
        this.store = store;
        this.registry = registry;
        this.servers = servers;
        this.backups = backups;
        this.runtimes = runtimes;
        this.progress = progress;
    }

    /** Moves the addon to {@code variantName}; returns its record afterwards. */
    public AddonRecord migrate(AddonState addon, String variantName) {
        AddonRecord record = addon.record();
        AddonProvider provider = registry.require(record.addon());
        Variant to = provider.variants().stream().filter(v -> v.name().equals(variantName)).findFirst()
                .orElseThrow(() -> new InvalidSpecException("variant '" + Names.printable(variantName) + "' of "
                        + provider.name() + " does not exist. Allowed: "
                        + provider.variants().stream().map(Variant::name).toList()));
        if (to.name().equals(record.variant())) {
            throw new InvalidSpecException(Backups.describe(record) + " is " + to.name() + " already");
        }
        if (record.runtime().equals(ExternalServers.RUNTIME)) {
            throw new dev.addons.api.UnsupportedOperationAddonException("not supported: " + Backups.describe(record)
                    + " is on an external server, and a move is a backup and a restore, which addons does not"
                    + " offer there");
        }
        provider.backupUnsupportedReason().ifPresent(reason -> {
            throw new ProvisioningException("Cannot move " + Backups.describe(record) + " to " + to.name()
                    + ": a move is a backup and a restore, and " + reason);
        });
        AddonState before = store.addon(record.id()).orElseThrow(() ->
                new ProvisioningException(Backups.describe(record) + " was destroyed"));
        if (before.serverId() != null) {
            provider.moveProblem(before.tenant(provider), servers.tools(before.serverId(), provider), to)
                    .ifPresent(reason -> {
                        throw new dev.addons.api.UnsupportedOperationAddonException("Cannot move "
                                + Backups.describe(record) + " to " + to.name() + ": " + reason);
                    });
        }
        AddonState state = store.locked(() -> {
            AddonState current = store.addon(record.id()).orElseThrow(() ->
                    new ProvisioningException(Backups.describe(record) + " was destroyed"));
            if (current.record().status() != Status.ACTIVE || current.serverId() == null) {
                throw new ProvisioningException(Backups.describe(record) + " is "
                        + current.record().status().name().toLowerCase(Locale.ROOT) + ": only an active addon moves");
            }
            if (current.migration() != null) {
                throw new ProvisioningException(Backups.describe(record) + " is moving to "
                        + current.migration().variant() + " already");
            }
            AddonState marked = current.withMigration(new AddonState.Migration(to.name(), null, Map.of()));
            store.save(marked);
            return marked;
        });
        String subject = record.id();
        ResolvedSpec spec = new ResolvedSpec(provider, to, record.version(), runtimes.apply(record.runtime()));
        TenantRequest newTenant = state.tenant(to.name(), to.shared());
        Servers.Lease lease = null;
        try {
            progress.step(subject, "moving to " + to.name() + ": backing up");
            BackupInfo backup = backups.backup(state, BackupInfo.MIGRATION, null);
            progress.step(subject, "moving to " + to.name() + ": making the new " + to.name() + " tenant");
            lease = to.shared()
                    ? servers.joinShared(spec, state, Servers.Attach.MIGRATION)
                    : servers.startDedicated(spec, state, Servers.Attach.MIGRATION);
            Binding binding = provider.provision(newTenant, lease.access());
            String newServer = lease.server().serverId();
            AddonState copy = store.locked(() -> {
                AddonState latest = store.addon(record.id()).orElseThrow();
                AddonState withBinding = latest.withMigration(latest.migration().withServer(newServer)
                        .withBinding(binding.values()));
                store.save(withBinding);
                return withBinding;
            });
            AddonState target = copy.movedTo(to.name(), newServer, binding.values());
            backups.restoreInto(target, provider, backup.file(), true);
            Map<String, String> source = provider.summary(state.tenant(provider), new Binding(state.binding()),
                    servers.access(state.serverId()));
            Map<String, String> copied = provider.summary(newTenant, binding, lease.access());
            if (!source.equals(copied)) {
                throw new ProvisioningException("the copy on " + newServer + " differs from the source " + "(source "
                        + source + ", copy " + copied + "): was the app writing during the move?");
            }
            AddonState moved = store.locked(() -> {
                AddonState latest = store.addon(record.id()).orElseThrow();
                AddonState done = latest.movedTo(to.name(), newServer, binding.values());
                store.save(done);
                return done;
            });
            LOG.info("{} - Moved from {} on {} to {} on {}", subject, record.variant(), state.serverId(), to.name(),
                    newServer);
            progress.step(subject, "moved to " + to.name() + "; removing the old " + record.variant() + " tenant");
            try {
                servers.removeTenant(state, state.tenant(provider), provider);
            } catch (AddonException e) {
                LOG.warn("{} - Moved, but the old tenant on {} could not be removed: {}", subject, state.serverId(),
                        e.getMessage());
            }
            return moved.record();
        } catch (RuntimeException e) {
            String reason = e instanceof AddonException ? e.getMessage() : e.toString();
            LOG.warn("{} - Move to {} failed; the old {} tenant still serves the app: {}", subject, to.name(),
                    record.variant(), reason);
            if (lease != null) {
                servers.release(lease, newTenant, provider, e);
            }
            store.locked(() -> {
                store.addon(record.id()).ifPresent(s -> store.save(s.withMigration(null)));
                return null;
            });
            throw new ProvisioningException("Moving " + Backups.describe(record) + " to " + to.name()
                    + " failed; it is still " + record.variant() + " and unchanged: " + reason, e);
        }
    }
}
