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
 * @param failure    what made it FAILED; {@code null} when it is not failed, and in files written
 *                   before the field (then {@link #failedIn()} reads it from the message)
 */
public record AddonState(AddonRecord record, String serverId, Map<String, String> binding, Owner owner,
        BackupPolicy backups, Migration migration, java.time.Duration sleepAfter, Integer connections,
        Failure failure) {
    public AddonState {
        Objects.requireNonNull(record, "record == null");
        binding = Map.copyOf(binding);
    }

    /** A new addon's state, with the default backup policy and no migration. */
    public AddonState(AddonRecord record, String serverId, Map<String, String> binding, Owner owner) {
        this(record, serverId, binding, owner, null, null, null, null, null);
    }

    /** A state whose server never sleeps. */
    public AddonState(AddonRecord record, String serverId, Map<String, String> binding, Owner owner,
            BackupPolicy backups, Migration migration) {
        this(record, serverId, binding, owner, backups, migration, null, null, null);
    }

    /**
     * What an operation on a FAILED addon was, or what happened to it: what comes next (a
     * create retries or starts its server again, a reconcile finishes a destroy) is decided on
     * it, never on the words of the record's message.
     */
    public enum Cause {
        /** Its provisioning failed; nothing of it is left. */
        PROVISIONING,
        /** Its destroy failed part-way: running destroy again finishes it. */
        DESTROY,
        /** Its server went down (found not running, crashed): starting it again brings the addon back. */
        SERVER_DOWN,
        /** The data of its server was gone: a create makes it anew, empty. */
        DATA_GONE,
        /** The process creating it exited part-way: a reconcile removes what it had made. */
        INTERRUPTED_CREATE,
        /** The process destroying it exited part-way: a reconcile finishes the destroy. */
        INTERRUPTED_DESTROY;

        /** What an addon left in {@code status} by a process that exited was interrupted in. */
        public static Cause interrupted(Status status) {
            return status == Status.DEPROVISIONING ? INTERRUPTED_DESTROY : INTERRUPTED_CREATE;
        }

        /**
         * The cause of a failure recorded without one: by a version of addons that wrote no
         * {@code failure}, or that did not know it and changed the record since. Those versions
         * wrote these messages, and read them back this way.
         */
        static Cause fromMessage(String message) {
            if (message.startsWith("destroy failed: ")) {
                return DESTROY;
            }
            if (message.startsWith("the data of server ")) {
                return DATA_GONE;
            }
            if (message.startsWith("its server ")) {
                return SERVER_DOWN;
            }
            if (message.startsWith("interrupted while deprovisioning")) {
                return INTERRUPTED_DESTROY;
            }
            return message.startsWith("interrupted") ? INTERRUPTED_CREATE : PROVISIONING;
        }
    }

    /**
     * A failure as the state file keeps it.
     *
     * @param cause what it was
     * @param at    the record's {@code updatedAt} when it failed: a record changed since by a version
     *              that does not know this field (which carries it over as it is) no longer
     *              matches it, and its cause is read from its message as that version wrote it
     */
    public record Failure(Cause cause, Instant at) {
        public Failure {
            Objects.requireNonNull(cause, "cause == null");
            Objects.requireNonNull(at, "at == null");
        }
    }

    /** What the addon failed in; empty unless it is FAILED. */
    public java.util.Optional<Cause> failedIn() {
        if (record.status() != Status.FAILED) {
            return java.util.Optional.empty();
        }
        if (failure != null && failure.at().equals(record.updatedAt())) {
            return java.util.Optional.of(failure.cause());
        }
        return java.util.Optional.of(Cause.fromMessage(record.message()));
    }

    /** Whether the addon is FAILED for {@code cause}. */
    public boolean failedIn(Cause cause) {
        return failedIn().filter(cause::equals).isPresent();
    }

    public AddonState withSleepAfter(java.time.Duration idle) {
        return new AddonState(record, serverId, binding, owner, backups, migration, idle, connections, failure);
    }

    /** This addon with its tenant allowed {@code limit} sessions at once on a shared server. */
    public AddonState withConnections(Integer limit) {
        return new AddonState(record, serverId, binding, owner, backups, migration, sleepAfter, limit, failure);
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
        boolean shared = provider.descriptor().variants().stream().anyMatch(v -> v.name().equals(record.variant()) && v.shared());
        return tenant(record.variant(), shared);
    }

    /**
     * The request naming this addon's tenant as it is, or would be, on a {@code variant} server:
     * on a shared one with its connection limit, on a dedicated one with none.
     */
    public TenantRequest tenant(String variant, boolean shared) {
        return TenantRequest.builder()
                .addonId(record.id())
                .app(record.app(), record.environment())
                .variant(variant, shared)
                .tenant(Names.tenant(record.app(), record.environment()))
                .connections(shared ? sharedConnections() : 0)
                .build();
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
        return new AddonState(record, serverId, binding, owner, policy, migration, sleepAfter, connections, failure);
    }

    public AddonState withMigration(Migration newMigration) {
        return new AddonState(record, serverId, binding, owner, backups, newMigration, sleepAfter, connections,
                failure);
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
                backups, old, sleepAfter, connections, null);
    }

    /** This addon as it was before its move switched: on the old tenant its migration names. */
    public AddonState beforeSwitch() {
        if (migration == null || !migration.switched()) {
            throw new IllegalStateException(record.id() + " has no switched move");
        }
        AddonRecord r = record;
        return new AddonState(new AddonRecord(r.id(), r.app(), r.environment(), r.addon(), migration.variant(),
                r.version(), r.runtime(), r.status(), r.message(), r.createdAt(), r.updatedAt()), migration.serverId(),
                migration.binding(), owner, backups, null, sleepAfter, connections, failure);
    }

    /** This addon moved to {@code status}, any status but FAILED (see {@link #failed}). */
    public AddonState withStatus(Status status, String message, Owner newOwner) {
        if (status == Status.FAILED) {
            throw new IllegalArgumentException(record.id() + " - a failure is recorded with its cause: use failed()");
        }
        return new AddonState(record.withStatus(status, message, Instant.now()), serverId, binding, newOwner, backups,
                migration, sleepAfter, connections, null);
    }

    /** This addon FAILED for {@code cause}, {@code message} saying why; no process works on it. */
    public AddonState failed(Cause cause, String message) {
        Instant now = Instant.now();
        return new AddonState(record.withStatus(Status.FAILED, message, now), serverId, binding, null, backups,
                migration, sleepAfter, connections, new Failure(cause, now));
    }

    /** This addon with its record saying its server runs on {@code runtime}. */
    public AddonState withRuntime(String runtime) {
        AddonRecord r = record;
        return new AddonState(new AddonRecord(r.id(), r.app(), r.environment(), r.addon(), r.variant(), r.version(),
                runtime, r.status(), r.message(), r.createdAt(), r.updatedAt()), serverId, binding, owner, backups,
                migration, sleepAfter, connections, failure);
    }

    public AddonState withServer(String newServerId) {
        return new AddonState(record, newServerId, binding, owner, backups, migration, sleepAfter, connections,
                failure);
    }

    public AddonState withBinding(Map<String, String> newBinding) {
        return new AddonState(record, serverId, newBinding, owner, backups, migration, sleepAfter, connections,
                failure);
    }

    @Override
    public String toString() {
        return "AddonState[" + record + ", serverId=" + serverId + ", binding=" + binding.keySet()
                + (connections == null ? "" : ", connections=" + connections)
                + (migration == null ? "" : ", " + migration) + failedIn().map(c -> ", failedIn=" + c).orElse("")
                + "]";
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
