package dev.addons.core.internal;

import dev.addons.api.AddonException;
import dev.addons.api.AddonRecord;
import dev.addons.api.InvalidBackupException;
import dev.addons.api.ProvisioningException;
import dev.addons.api.Status;
import dev.addons.api.UnsupportedOperationAddonException;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.BackupCapability;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.ServerTools;
import dev.addons.api.spi.TenantRequest;
import dev.addons.core.BackupInfo;
import dev.addons.core.BackupPolicy;
import dev.addons.core.Operation;
import dev.addons.core.runtime.ProgressListener;
import java.io.BufferedInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backups and restores of addons: has the provider dump the tenant's data while its server runs,
 * wraps the dump in a {@link BackupArchive}, keeps it in the {@link BackupCatalog} with the
 * addon's {@link BackupPolicy} (retention, the daily limit of manual backups, automatic backups
 * when due), and restores an archive only once its checksum and engine are verified. One backup
 * or restore of an addon at a time, across threads and processes, as the {@link BackupLedger}
 * records them. Thread-safe.
 */
public final class Backups {
    private static final Logger LOG = LoggerFactory.getLogger(Backups.class);
    private static final long PROGRESS_EVERY_BYTES = 8L * 1024 * 1024;

    private final Path scratch;
    private final BackupCatalog catalog;
    private final BackupLedger ledger;
    private final StateStore store;
    private final ProviderRegistry registry;
    private final Servers servers;
    private final ProgressListener progress;
    private final Clock clock;
    private final Operations operations;

    public Backups(Path home, StateStore store, ProviderRegistry registry, Servers servers, ProgressListener progress,
            Clock clock, Operations operations) {
        Path root = home.toAbsolutePath().normalize().resolve("backups");
        this.scratch = root.resolve(".scratch");
        this.catalog = new BackupCatalog(root, clock);
        this.ledger = new BackupLedger(root, catalog, store, registry, servers);
        this.store = store;
        this.registry = registry;
        this.servers = servers;
        this.progress = progress;
        this.clock = clock;
        this.operations = operations;
    }

    /** The record of running and finished backups and restores, which a reconcile cleans up after. */
    public BackupLedger ledger() {
        return ledger;
    }

    /**
     * Backs up an ACTIVE addon, after checking the daily limit of manual backups: to
     * {@code output} when given (the caller's file, outside retention), else into the home, and
     * then applies retention there.
     */
    public BackupInfo backup(AddonState state, String trigger, Path output) {
        AddonRecord record = state.record();
        return operations.observe(Operation.Kind.BACKUP, record.addon(), record.app(), record.environment(),
                System.nanoTime(), () -> backupHeard(state, trigger, output));
    }

    private BackupInfo backupHeard(AddonState state, String trigger, Path output) {
        AddonProvider provider = registry.require(state.record().addon());
        refuseUnsupported(provider, state.record());
        return ledger.locked(state.record().id(), () -> {
            AddonState current = active(state.record().id());
            BackupPolicy policy = current.backupPolicy();
            Instant began = clock.instant();
            if (trigger.equals(BackupInfo.MANUAL)) {
                int today = ledger.takenOn(current.record(), BackupInfo.MANUAL, began);
                if (today >= policy.manualPerDay()) {
                    throw new ProvisioningException("The daily limit of manual backups of " + describe(current.record())
                            + " is reached: " + today + " of " + policy.manualPerDay() + " today (UTC). Raise "
                            + "backups.manual_per_day, or wait until tomorrow");
                }
            }
            Path target = output != null ? output.toAbsolutePath().normalize()
                    : catalog.newArchive(current.record(), trigger, began);
            BackupInfo info = take(current, provider, trigger, began, target);
            ledger.taken(current.record(), trigger, began);
            if (output == null) {
                catalog.applyRetention(current.record(), policy);
            }
            return info;
        });
    }

    private BackupInfo take(AddonState state, AddonProvider provider, String trigger, Instant began, Path target) {
        AddonRecord record = state.record();
        String subject = record.id();
        long start = System.nanoTime();
        progress.step(subject, "backing up to " + target);
        try (BackupArchive.Payload payload = BackupArchive.payload(scratch)) {
            ServerAccess access = servers.access(state.serverId());
            ServerTools tools = servers.tools(state.serverId(), provider);
            BackupCapability backups = registry.capability(provider, BackupCapability.class);
            String payloadFormat = backups.backupFormat(state.tenant(provider), tools).orElse(null);
            backups.backup(state.tenant(provider), new Binding(state.binding()), access, tools,
                    new Progress(payload.out(), subject, progress));
            CrashPoints.reach("backup.dumped");
            String sha256 = payload.finish();
            BackupArchive.Manifest manifest = new BackupArchive.Manifest(BackupArchive.FORMAT, record.addon(),
                    record.version(), record.variant(), record.app(), record.environment(), began, trigger,
                    payload.size(), sha256, payloadFormat);
            BackupInfo info = BackupArchive.write(target, manifest, payload);
            LOG.info("{} - Backed up to {}: {} bytes of dump, {} bytes archived, in {} ms", subject, target,
                    info.payloadBytes(), info.archiveBytes(), (System.nanoTime() - start) / 1_000_000);
            progress.step(subject, "backed up: " + info.payloadBytes() + " bytes (" + info.archiveBytes()
                    + " compressed)");
            return info;
        } catch (IOException e) {
            throw new AddonException("Backing up " + describe(record) + " to " + target + " failed: " + e.getMessage(),
                    e);
        }
    }

    /**
     * The manifest of {@code archive} once the whole archive is verified (checksum, size) and
     * found to fit {@code provider} at {@code version} (null: any version); throws
     * {@link InvalidBackupException} for any fault, before anything is made from it.
     */
    public BackupArchive.Manifest verifiedManifest(Path archive, AddonProvider provider, String version,
            String target) {
        try (BackupArchive.Verified verified = BackupArchive.verify(archive, scratch, read -> refuseMismatch(archive,
                read, provider, version, target))) {
            return verified.manifest();
        } catch (IOException e) {
            throw new AddonException("Verifying " + archive + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Refuses an archive whose manifest does not fit the target: a backup of another engine, or a
     * {@linkplain dev.addons.api.spi.BackupCapability#versionBound version-bound} dump of another major version than
     * {@code version} (null, or either version an image reference: left to the provider, which
     * asks the server). The message names the manifest's value and the target's.
     */
    static void refuseMismatch(Path archive, BackupArchive.Manifest manifest, AddonProvider provider, String version,
            String target) {
        String of = " (of " + manifest.app() + "/" + manifest.environment() + ")";
        if (!manifest.engine().equals(provider.descriptor().name())) {
            throw new InvalidBackupException(archive + " is a backup of " + manifest.engine() + of
                    + "; it cannot be restored into " + target + ": the manifest's engine is '" + manifest.engine()
                    + "', the target's '" + provider.descriptor().name() + "'. Restore it into a " + manifest.engine() + " addon");
        }
        if (version == null || !provider.capability(BackupCapability.class)
                .map(b -> b.versionBound(manifest.payloadFormat())).orElse(false)) {
            return;
        }
        Optional<String> archived = major(manifest.version());
        Optional<String> wanted = major(version);
        if (archived.isPresent() && wanted.isPresent() && !archived.equals(wanted)) {
            throw new InvalidBackupException(archive + " is a " + manifest.payloadFormat() + " backup of "
                    + manifest.engine() + " " + manifest.version() + of + ", which restores only into " + manifest.engine()
                    + " " + archived.get() + ": the manifest's version is '" + manifest.version() + "', the target's ("
                    + target + ") '" + version + "'. Restore it into an addon of version " + archived.get());
        }
    }

    /** The major version of a version such as {@code 16} or {@code 16.2}; empty for an image reference. */
    private static Optional<String> major(String version) {
        String major = version.split("\\.", 2)[0];
        return major.matches("[0-9]+") ? Optional.of(major) : Optional.empty();
    }

    /**
     * Whether removing the addon would delete data worth keeping: false for a cache and for an
     * addon whose provider finds no data; true when that cannot be told now (its server is down).
     */
    public boolean holdsData(AddonState state) {
        AddonProvider provider = registry.require(state.record().addon());
        Optional<BackupCapability> backups = provider.capability(BackupCapability.class);
        if (backups.isEmpty() || state.serverId() == null) {
            return false;
        }
        if (state.record().status() != Status.ACTIVE || !servers.isRunning(state.serverId())) {
            return true;
        }
        return backups.get().hasData(state.tenant(provider), new Binding(state.binding()),
                servers.access(state.serverId()));
    }

    /**
     * The final backup of an addon about to be destroyed, kept under the home like any other
     * (counted by retention, listed by {@link #list}), so that {@code restore} can bring the addon
     * back. Empty when there is nothing to keep: the engine is a cache, or the addon holds no
     * data. Throws {@link ProvisioningException}, naming the way out, when it holds data that
     * cannot be backed up now (its server is down, or addons runs no tools next to it).
     */
    public java.util.Optional<BackupInfo> finalBackup(AddonState state) {
        AddonProvider provider = registry.require(state.record().addon());
        Optional<BackupCapability> backups = provider.capability(BackupCapability.class);
        if (backups.isEmpty() || state.serverId() == null
                || state.record().status() == Status.PENDING || state.record().status() == Status.PROVISIONING) {
            return java.util.Optional.empty(); // A cache, or never provisioned: nothing of the app's to keep.
        }
        String cannot = "Cannot take the final backup of " + describe(state.record()) + " before destroying it: ";
        String next = "; bring it back first (addons start), or destroy it without a final backup (--no-backup)";
        if (state.record().status() != Status.ACTIVE || !servers.isRunning(state.serverId())) {
            throw new ProvisioningException(cannot + "it is " + state.record().status().name().toLowerCase(Locale.ROOT)
                    + " and its server is not serving" + next);
        }
        try {
            if (!backups.get().hasData(state.tenant(provider), new Binding(state.binding()),
                    servers.access(state.serverId()))) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(backup(state, BackupInfo.FINAL, null));
        } catch (UnsupportedOperationAddonException e) {
            throw new ProvisioningException(cannot + e.getMessage() + "; then destroy it without a final backup"
                    + " (--no-backup)", e);
        }
    }

    /**
     * Restores an archive into an ACTIVE addon: verifies the archive's checksum and that it is a
     * backup of the addon's engine, refuses to replace existing data unless {@code force}, then
     * has the provider replace the data all or nothing.
     */
    public BackupInfo restore(AddonState state, Path archive, boolean force) {
        AddonRecord record = state.record();
        return operations.observe(Operation.Kind.RESTORE, record.addon(), record.app(), record.environment(),
                System.nanoTime(), () -> restoreHeard(state, archive, force));
    }

    private BackupInfo restoreHeard(AddonState state, Path archive, boolean force) {
        AddonProvider provider = registry.require(state.record().addon());
        refuseUnsupported(provider, state.record());
        return ledger.locked(state.record().id(), () -> {
            AddonState current = active(state.record().id());
            return ledger.restoring(current.record().id(), () -> restoreInto(current, provider, archive, force));
        });
    }

    /** A restore into {@code state}'s tenant or, for a migration, into its new tenant. */
    BackupInfo restoreInto(AddonState state, AddonProvider provider, Path archive, boolean force) {
        String subject = state.record().id();
        progress.step(subject, "verifying " + archive);
        try (BackupArchive.Verified verified = BackupArchive.verify(archive, scratch, read -> refuseMismatch(archive,
                read, provider, state.record().version(), describe(state.record())))) {
            BackupArchive.Manifest manifest = verified.manifest();
            CrashPoints.reach("restore.verified");
            ServerAccess access = servers.access(state.serverId());
            TenantRequest tenant = state.tenant(provider);
            Binding binding = new Binding(state.binding());
            BackupCapability backups = registry.capability(provider, BackupCapability.class);
            if (!force && backups.hasData(tenant, binding, access)) {
                throw new ProvisioningException(describe(state.record()) + " holds data, which restoring " + archive
                        + " would replace: ask for it with force (--force)");
            }
            long start = System.nanoTime();
            progress.step(subject, "restoring " + manifest.payloadBytes() + " bytes taken of " + manifest.app() + "/"
                    + manifest.environment() + " at " + manifest.createdAt());
            try (InputStream in = new BufferedInputStream(Files.newInputStream(verified.dump()))) {
                backups.restore(tenant, binding, access, servers.tools(state.serverId(), provider), in);
            }
            CrashPoints.reach("restore.swapped");
            LOG.info("{} - Restored {} ({} bytes of dump) in {} ms", subject, archive, manifest.payloadBytes(),
                    (System.nanoTime() - start) / 1_000_000);
            progress.step(subject, "restored");
            return manifest.info(archive, Files.size(archive));
        } catch (IOException e) {
            throw new AddonException("Restoring " + archive + " into " + describe(state.record()) + " failed: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Takes the automatic backups that are due: of every ACTIVE addon whose policy has a schedule
     * and whose last automatic backup is at least that old. Returns how many were taken; a
     * failure is logged and the others go on.
     */
    public int runDue() {
        int taken = 0;
        for (AddonState state : store.addons()) {
            if (state.record().status() != Status.ACTIVE || state.backupPolicy().scheduleIfAny().isEmpty()
                    || registry.find(state.record().addon()).flatMap(p -> p.capability(BackupCapability.class))
                            .isEmpty()) {
                continue;
            }
            try {
                if (takeIfDue(state)) {
                    taken++;
                }
            } catch (AddonException e) {
                LOG.warn("{} - Automatic backup failed: {}", state.record().id(), e.getMessage());
            }
        }
        return taken;
    }

    private boolean takeIfDue(AddonState state) {
        Duration every = state.backupPolicy().schedule();
        // Checked again under the addon's lock by backup(): another process may have just taken it.
        return ledger.locked(state.record().id(), () -> {
            Instant last = ledger.lastTaken(state.record(), BackupInfo.SCHEDULED);
            if (last != null && last.plus(every).isAfter(clock.instant())) {
                return false;
            }
            backup(state, BackupInfo.SCHEDULED, null);
            return true;
        });
    }

    /** When the next automatic backup of an addon is due, if it has a schedule. */
    public java.util.Optional<Instant> nextDue(AddonState state) {
        return state.backupPolicy().scheduleIfAny().map(every -> {
            Instant last = ledger.lastTaken(state.record(), BackupInfo.SCHEDULED);
            return last == null ? clock.instant() : last.plus(every);
        });
    }

    private AddonState active(String id) {
        AddonState state = store.addon(id).orElseThrow(() -> new ProvisioningException("Addon " + id
                + " was destroyed"));
        if (state.record().status() != Status.ACTIVE || state.serverId() == null) {
            throw new ProvisioningException(describe(state.record()) + " is "
                    + state.record().status().name().toLowerCase(Locale.ROOT) + ": only an active addon is backed up "
                    + "or restored");
        }
        return state;
    }

    private void refuseUnsupported(AddonProvider provider, AddonRecord record) {
        if (provider.capability(BackupCapability.class).isEmpty()) {
            throw new UnsupportedOperationAddonException("Cannot back up or restore " + describe(record) + ": "
                    + registry.lacking(provider, BackupCapability.class));
        }
    }

    /** The archives the home keeps of an app's addons in an environment, oldest first. */
    public List<BackupInfo> list(String app, String environment) {
        return catalog.list(app, environment);
    }

    /** Deletes the addon's archives {@code policy} does not keep (see {@link BackupCatalog#applyRetention}). */
    public int applyRetention(AddonRecord record, BackupPolicy policy) {
        return catalog.applyRetention(record, policy);
    }

    /** Runs {@code work} while no backup or restore of {@code states}' addons runs (see {@link BackupLedger#excluding}). */
    public <T> T excluding(List<AddonState> states, Supplier<T> work) {
        return ledger.excluding(states, work);
    }

    static String describe(AddonRecord record) {
        return record.addon() + " of " + record.app() + "/" + record.environment();
    }

    /** Counts what the provider writes, telling the progress listener every few megabytes. */
    private static final class Progress extends FilterOutputStream {
        private final String subject;
        private final ProgressListener listener;
        private long written;
        private long told;

        Progress(OutputStream out, String subject, ProgressListener listener) {
            super(out);
            this.subject = subject;
            this.listener = listener;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count(1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count(len);
        }

        private void count(long bytes) {
            written += bytes;
            if (written - told >= PROGRESS_EVERY_BYTES) {
                told = written;
                listener.transfer(subject, "backing up", written, -1);
            }
        }

        @Override
        public void close() {
            // The payload is closed by its owner, never by the provider.
        }
    }
}
