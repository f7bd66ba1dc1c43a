package dev.addons.core.internal;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.Status;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.TenantRequest;
import dev.addons.core.BackupPolicy;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An addon as the state store keeps it: its public record plus what only addons sees, the
 * server it lives on, the provider's binding (secrets) and which process is working on it.
 *
 * @param record     the public record
 * @param serverId   the server its tenant lives on; {@code null} until one is chosen
 * @param binding    the provider's binding; empty until provisioned
 * @param owner      the process working on it while PENDING, PROVISIONING or DEPROVISIONING
 * @param backups    its backup policy; {@code null} for {@link BackupPolicy#DEFAULT}
 * @param migration  the copy being made on another variant's server; {@code null} when none
 * @param sleepAfter how long its dedicated server may go without a client before a supervisor
 *                   puts it to sleep; {@code null} for never (and in files written before sleep)
 * @param connections the most sessions its tenant may have open at once on a shared server;
 *                   {@code null} for {@link AddonSpec#DEFAULT_CONNECTIONS} there (as in files
 *                   written before the limit could be chosen) and for none on a dedicated one
 */
public record AddonState(AddonRecord record, String serverId, Map<String, String> binding, Owner owner,
        BackupPolicy backups, Migration migration, java.time.Duration sleepAfter, Integer connections) {
    public AddonState {
        Objects.requireNonNull(record, "record == null");
        binding = Map.copyOf(binding);
    }

    /** A new addon's state, with the default backup policy and no migration. */
    public AddonState(AddonRecord record, String serverId, Map<String, String> binding, Owner owner) {
        this(record, serverId, binding, owner, null, null, null, null);
    }

    /** A state whose server never sleeps. */
    public AddonState(AddonRecord record, String serverId, Map<String, String> binding, Owner owner,
            BackupPolicy backups, Migration migration) {
        this(record, serverId, binding, owner, backups, migration, null, null);
    }

    public AddonState withSleepAfter(java.time.Duration idle) {
        return new AddonState(record, serverId, binding, owner, backups, migration, idle, connections);
    }

    /** This addon with its tenant allowed {@code limit} sessions at once on a shared server. */
    public AddonState withConnections(Integer limit) {
        return new AddonState(record, serverId, binding, owner, backups, migration, sleepAfter, limit);
    }

    /**
     * A move to another variant under way, and the tenant it is about besides the addon's own.
     * Before the switch, the tenant the move is making on another server, to be swapped in when its
     * copy of the data is verified; after it ({@code switched}), the record names the new tenant
     * and this the old one, still to be removed. Either way it counts as a tenant of that server
     * meanwhile, and a reconcile that finds {@code owner} gone undoes the move before the switch
     * (removes the new tenant) or finishes it after (removes the old one).
     *
     * @param variant  the variant moved to; after the switch, the variant moved from
     * @param serverId the server of that tenant; {@code null} until one is chosen
     * @param binding  that tenant's binding; empty until it is made
     * @param owner    the process moving it; {@code null} in records written before moves had one
     * @param switched whether the record names the new tenant already
     */
    public record Migration(String variant, String serverId, Map<String, String> binding, Owner owner,
            boolean switched) {
        public Migration {
            Objects.requireNonNull(variant, "variant == null");
            binding = Map.copyOf(binding);
        }

        /** A move this process begins, to {@code variant}, before any server is chosen. */
        public static Migration begun(String variant) {
            return new Migration(variant, null, Map.of(), Owner.current(), false);
        }

        public Migration withServer(String newServerId) {
            return new Migration(variant, newServerId, binding, owner, switched);
        }

        public Migration withBinding(Map<String, String> newBinding) {
            return new Migration(variant, serverId, newBinding, owner, switched);
        }

        public Migration withOwner(Owner newOwner) {
            return new Migration(variant, serverId, binding, newOwner, switched);
        }

        /** Whether the process moving it is gone (or unknown, in a record written before moves had one). */
        public boolean abandoned() {
            return owner == null || !owner.isAlive();
        }

        @Override
        public String toString() {
            return "Migration[" + (switched ? "from " : "") + variant + " on " + serverId + ", binding="
                    + binding.keySet() + "]";
        }
    }

    /** The request naming this addon's tenant, on a shared server or not as its variant is for {@code provider}. */
    public TenantRequest tenant(AddonProvider provider) {
        boolean shared = provider.variants().stream().anyMatch(v -> v.name().equals(record.variant()) && v.shared());
        return tenant(record.variant(), shared);
    }

    /**
     * The request naming this addon's tenant as it is, or would be, on a {@code variant} server:
     * on a shared one with its connection limit, on a dedicated one with none.
     */
    public TenantRequest tenant(String variant, boolean shared) {
        return new TenantRequest(record.id(), record.app(), record.environment(), variant, shared,
                Names.tenant(record.app(), record.environment()), shared ? sharedConnections() : 0);
    }

    /** The connection limit its tenant has, or would have, on a shared server. */
    public int sharedConnections() {
        return connections == null ? AddonSpec.DEFAULT_CONNECTIONS : connections;
    }

    /** The backup policy in force. */
    public BackupPolicy backupPolicy() {
        return backups == null ? BackupPolicy.DEFAULT : backups;
    }

    public AddonState withBackups(BackupPolicy policy) {
        return new AddonState(record, serverId, binding, owner, policy, migration, sleepAfter, connections);
    }

    public AddonState withMigration(Migration newMigration) {
        return new AddonState(record, serverId, binding, owner, backups, newMigration, sleepAfter, connections);
    }

    /**
     * This addon switched to its move's new tenant ({@code variant} on {@code newServerId} with
     * {@code newBinding}); its migration now names the old tenant, still to be removed.
     */
    public AddonState movedTo(String variant, String newServerId, Map<String, String> newBinding) {
        AddonRecord r = record;
        Migration old = new Migration(r.variant(), serverId, binding, migration == null ? Owner.current()
                : migration.owner(), true);
        return new AddonState(new AddonRecord(r.id(), r.app(), r.environment(), r.addon(), variant, r.version(),
                r.runtime(), r.status(), r.message(), r.createdAt(), Instant.now()), newServerId, newBinding, owner,
                backups, old, sleepAfter, connections);
    }

    /** This addon as it was before its move switched: on the old tenant its migration names. */
    public AddonState beforeSwitch() {
        if (migration == null || !migration.switched()) {
            throw new IllegalStateException(record.id() + " has no switched move");
        }
        AddonRecord r = record;
        return new AddonState(new AddonRecord(r.id(), r.app(), r.environment(), r.addon(), migration.variant(),
                r.version(), r.runtime(), r.status(), r.message(), r.createdAt(), r.updatedAt()), migration.serverId(),
                migration.binding(), owner, backups, null, sleepAfter, connections);
    }

    public AddonState withStatus(Status status, String message, Owner newOwner) {
        return new AddonState(record.withStatus(status, message, Instant.now()), serverId, binding, newOwner, backups,
                migration, sleepAfter, connections);
    }

    /** This addon with its record saying its server runs on {@code runtime}. */
    public AddonState withRuntime(String runtime) {
        AddonRecord r = record;
        return new AddonState(new AddonRecord(r.id(), r.app(), r.environment(), r.addon(), r.variant(), r.version(),
                runtime, r.status(), r.message(), r.createdAt(), r.updatedAt()), serverId, binding, owner, backups,
                migration, sleepAfter, connections);
    }

    public AddonState withServer(String newServerId) {
        return new AddonState(record, newServerId, binding, owner, backups, migration, sleepAfter, connections);
    }

    public AddonState withBinding(Map<String, String> newBinding) {
        return new AddonState(record, serverId, newBinding, owner, backups, migration, sleepAfter, connections);
    }

    @Override
    public String toString() {
        return "AddonState[" + record + ", serverId=" + serverId + ", binding=" + binding.keySet()
                + (connections == null ? "" : ", connections=" + connections)
                + (migration == null ? "" : ", " + migration) + "]";
    }

    /**
     * A process, identified by pid and start time so that a reused pid is not mistaken for it,
     * and by its {@link ProcessIdentity} (boot id, start in clock ticks) so that neither is a pid
     * reused after a reboot.
     *
     * @param pid       process id
     * @param startedAt its start time in epoch milliseconds, or 0 when unknown
     * @param identity  its identity; {@code null} in records written before there was one, or
     *                  where {@code /proc} does not say
     */
    public record Owner(long pid, long startedAt, ProcessIdentity identity) {
        /** An owner known by pid and start time only. */
        public Owner(long pid, long startedAt) {
            this(pid, startedAt, null);
        }

        /** This JVM. */
        public static Owner current() {
            ProcessHandle self = ProcessHandle.current();
            return new Owner(self.pid(), startOf(self), ProcessIdentity.of(self.pid()).orElse(null));
        }

        /** Whether that process is still running. */
        public boolean isAlive() {
            if (identity != null && !identity.exists()) {
                return false;
            }
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .map(p -> startedAt == 0 || startOf(p) == startedAt).orElse(false);
        }

        private static long startOf(ProcessHandle handle) {
            return handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        }
    }
}
