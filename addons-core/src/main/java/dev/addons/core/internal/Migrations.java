package dev.addons.core.internal;

import dev.addons.api.AddonException;
import dev.addons.api.AddonRecord;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.ProvisioningException;
import dev.addons.api.Status;
import dev.addons.api.Variant;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.BackupCapability;
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
 * {@linkplain dev.addons.api.spi.BackupCapability#summary summary} equals the source's. Until then, and whenever a step
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
        Variant to = provider.descriptor().variants().stream().filter(v -> v.name().equals(variantName)).findFirst()
                .orElseThrow(() -> new InvalidSpecException("variant '" + Names.printable(variantName) + "' of "
                        + provider.descriptor().name() + " does not exist. Allowed: "
                        + provider.descriptor().variants().stream().map(Variant::name).toList()));
        if (to.name().equals(record.variant())) {
            throw new InvalidSpecException(Backups.describe(record) + " is " + to.name() + " already");
        }
        if (record.runtime().equals(ExternalServers.RUNTIME)) {
            throw new dev.addons.api.UnsupportedOperationAddonException("not supported: " + Backups.describe(record)
                    + " is on an external server, and a move is a backup and a restore, which addons does not"
                    + " offer there");
        }
        BackupCapability capability = provider.capability(BackupCapability.class).orElseThrow(() ->
                new ProvisioningException("Cannot move " + Backups.describe(record) + " to " + to.name()
                        + ": a move is a backup and a restore, and " + registry.lacking(provider, BackupCapability.class)));
        AddonState before = store.addon(record.id()).orElseThrow(() ->
                new ProvisioningException(Backups.describe(record) + " was destroyed"));
        if (before.serverId() != null) {
            capability.moveProblem(before.tenant(provider), servers.tools(before.serverId(), provider), to)
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
            AddonState.Migration under = current.migration();
            if (under != null) {
                throw new ProvisioningException(Backups.describe(record) + (under.switched()
                        ? " was moved from " + under.variant() + " and its old tenant on " + under.serverId()
                                + " is still to be removed"
                        : " is moving to " + under.variant() + " already") + (under.abandoned()
                        ? "; the process moving it exited: a reconcile (any new Addons on this home) cleans that up"
                        : ""));
            }
            AddonState marked = current.withMigration(AddonState.Migration.begun(to.name()));
            store.save(marked);
            return marked;
        });
        String subject = record.id();
        ResolvedSpec spec = new ResolvedSpec(provider, to, record.version(), runtimes.apply(record.runtime()));
        TenantRequest newTenant = state.tenant(to.name(), to.shared());
        Servers.Lease lease = null;
        AddonState moved;
        String newServer;
        try {
            progress.step(subject, "moving to " + to.name() + ": backing up");
            BackupInfo backup = backups.backup(state, BackupInfo.MIGRATION, null);
            progress.step(subject, "moving to " + to.name() + ": making the new " + to.name() + " tenant");
            lease = to.shared()
                    ? servers.joinShared(spec, state, Servers.Attach.MIGRATION)
                    : servers.startDedicated(spec, state, Servers.Attach.MIGRATION);
            Binding binding = provider.provision(newTenant, lease.access());
            newServer = lease.server().serverId();
            AddonState copy = store.locked(() -> {
                AddonState latest = store.addon(record.id()).orElseThrow();
                AddonState withBinding = latest.withMigration(latest.migration().withServer(newServer)
                        .withBinding(binding.values()));
                store.save(withBinding);
                return withBinding;
            });
            AddonState target = copy.movedTo(to.name(), newServer, binding.values());
            backups.restoreInto(target, provider, backup.file(), true);
            Map<String, String> source = capability.summary(state.tenant(provider), new Binding(state.binding()),
                    servers.access(state.serverId()));
            Map<String, String> copied = capability.summary(newTenant, binding, lease.access());
            if (!source.equals(copied)) {
                throw new ProvisioningException("the copy on " + newServer + " differs from the source " + "(source "
                        + source + ", copy " + copied + "): was the app writing during the move?");
            }
            CrashPoints.reach("migrate.targetMade");
            // The switch: the record names the new tenant, and its migration the old one, still to be removed.
            moved = store.locked(() -> {
                AddonState latest = store.addon(record.id()).orElseThrow();
                AddonState done = latest.movedTo(to.name(), newServer, binding.values());
                store.save(done);
                return done;
            });
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
        LOG.info("{} - Moved from {} on {} to {} on {}", subject, record.variant(), state.serverId(), to.name(),
                newServer);
        CrashPoints.reach("migrate.switched");
        progress.step(subject, "moved to " + to.name() + "; removing the old " + record.variant() + " tenant");
        try {
            removeOldTenant(moved, provider);
        } catch (RuntimeException e) {
            // Its migration still names the old tenant: the next reconcile after this process removes it.
            LOG.warn("{} - Moved, but the old tenant on {} could not be removed: {}", subject, state.serverId(),
                    e instanceof AddonException ? e.getMessage() : e.toString());
        }
        return store.addon(record.id()).map(AddonState::record).orElse(moved.record());
    }

    /**
     * Undoes the moves whose process died before they switched (the new tenant is removed, the
     * addon stays where it was) and finishes those that had switched (the old tenant is removed).
     * Each is taken over first, so that two processes reconciling at once do it once. Returns how
     * many were undone or finished; one that cannot be now (its server is down) is left for the
     * next reconcile. Only the {@link Reconciler} calls it, first in its pass.
     */
    int resolveInterrupted() {
        int done = 0;
        for (AddonState found : store.addons()) {
            if (found.migration() == null || !found.migration().abandoned()) {
                continue;
            }
            AddonState mine = store.locked(() -> {
                AddonState latest = store.addon(found.record().id()).orElse(null);
                if (latest == null || latest.migration() == null || !latest.migration().abandoned()) {
                    return null;
                }
                AddonState taken = latest.withMigration(latest.migration().withOwner(AddonState.Owner.current()));
                store.save(taken);
                return taken;
            });
            if (mine == null) {
                continue;
            }
            String id = mine.record().id();
            AddonState.Migration migration = mine.migration();
            try {
                AddonProvider provider = registry.require(mine.record().addon());
                if (migration.switched()) {
                    removeOldTenant(mine, provider);
                    LOG.info("{} - finished its move to {}, which its process had switched: removed the old {}"
                            + " tenant on {}", id, mine.record().variant(), migration.variant(), migration.serverId());
                } else {
                    removeNewTenant(mine, provider);
                    LOG.info("{} - undid its move to {}, which its process had begun: it stays {} on {}", id,
                            migration.variant(), mine.record().variant(), mine.serverId());
                }
                done++;
            } catch (RuntimeException e) {
                LOG.warn("{} - cannot {} its interrupted move now (the next reconcile tries again): {}", id,
                        migration.switched() ? "finish" : "undo", e instanceof AddonException ? e.getMessage()
                                : e.toString());
                store.locked(() -> {
                    store.addon(id).filter(s -> s.migration() != null).ifPresent(s ->
                            store.save(s.withMigration(s.migration().withOwner(null))));
                    return null;
                });
            }
        }
        return done;
    }

    /** Removes the old tenant a switched move left ({@code state}'s migration names it) and forgets the move. */
    private void removeOldTenant(AddonState state, AddonProvider provider) {
        AddonState old = state.beforeSwitch();
        servers.removeTenant(old, old.tenant(provider), provider);
        forgetMigration(state.record().id(), state.migration().serverId());
    }

    /**
     * Removes the new tenant an unswitched move was making, with what an interrupted copy into it
     * left there, and forgets the move: a dedicated server is destroyed; on a shared one the
     * tenant is dropped (and the server removed when that was its last).
     */
    private void removeNewTenant(AddonState state, AddonProvider provider) {
        AddonState.Migration migration = state.migration();
        java.util.Optional<ServerState> server = servers.server(migration.serverId());
        if (server.isPresent() && server.get().shared()) {
            AddonState target = state.withServer(migration.serverId()).withBinding(migration.binding());
            TenantRequest tenant = state.tenant(migration.variant(), true);
            if (!migration.binding().isEmpty() && servers.isRunning(migration.serverId())) {
                registry.capability(provider, BackupCapability.class).cleanUpInterruptedRestore(tenant, new Binding(migration.binding()),
                        servers.access(migration.serverId()));
            }
            servers.removeTenant(target, tenant, provider);
        } else if (server.isPresent()) {
            store.lockedServer(migration.serverId(), () -> {
                servers.destroy(server.get());
                return null;
            });
        }
        forgetMigration(state.record().id(), migration.serverId());
    }

    private void forgetMigration(String id, String serverId) {
        store.locked(() -> {
            store.addon(id).filter(s -> s.migration() != null
                    && java.util.Objects.equals(s.migration().serverId(), serverId))
                    .ifPresent(s -> store.save(s.withMigration(null)));
            return null;
        });
    }
}
