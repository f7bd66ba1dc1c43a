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
import dev.addons.core.runtime.ProgressListener;
import java.io.BufferedInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backups and restores of addons: has the provider dump the tenant's data while its server runs,
 * wraps the dump in a {@link BackupArchive}, keeps archives under
 * {@code <home>/backups/<app>/<environment>/<addon>/} with the addon's {@link BackupPolicy}
 * (retention, the daily limit of manual backups, automatic backups when due), and restores an
 * archive only once its checksum and engine are verified. One backup or restore of an addon at a
 * time, across threads and processes. Thread-safe.
 */
public final class Backups {
    private static final Logger LOG = LoggerFactory.getLogger(Backups.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final long PROGRESS_EVERY_BYTES = 8L * 1024 * 1024;

    private final Path root;
    private final Path scratch;
    private final StateStore store;
    private final ProviderRegistry registry;
    private final Servers servers;
    private final ProgressListener progress;
    private final Clock clock;

    public Backups(Path home, StateStore store, ProviderRegistry registry, Servers servers, ProgressListener progress,
            Clock clock) {
        this.root = home.toAbsolutePath().normalize().resolve("backups");
        this.scratch = root.resolve(".scratch");
        this.store = store;
        this.registry = registry;
        this.servers = servers;
        this.progress = progress;
        this.clock = clock;
    }

    /** Where the home keeps the archives of an addon. */
    Path directory(AddonRecord record) {
        return root.resolve(record.app()).resolve(record.environment()).resolve(record.addon());
    }

    /**
     * Backs up an ACTIVE addon, after checking the daily limit of manual backups: to
     * {@code output} when given (the caller's file, outside retention), else into the home, and
     * then applies retention there.
     */
    public BackupInfo backup(AddonState state, String trigger, Path output) {
        AddonProvider provider = registry.require(state.record().addon());
        refuseUnsupported(provider, state.record());
        return store.lockedBackups(state.record().id(), () -> {
            AddonState current = active(state.record().id());
            Path directory = directory(current.record());
            BackupPolicy policy = current.backupPolicy();
            Instant began = clock.instant();
            if (trigger.equals(BackupInfo.MANUAL)) {
                int today = countToday(directory.resolve(".manual.log"), began);
                if (today >= policy.manualPerDay()) {
                    throw new ProvisioningException("The daily limit of manual backups of " + describe(current.record())
                            + " is reached: " + today + " of " + policy.manualPerDay() + " today (UTC). Raise "
                            + "backups.manual_per_day, or wait until tomorrow");
                }
            }
            Path target = output != null ? output.toAbsolutePath().normalize()
                    : unique(directory, current.record().addon() + "-" + STAMP.format(began) + "-" + trigger);
            BackupInfo info = take(current, provider, trigger, began, target);
            log(directory.resolve("." + trigger + ".log"), began);
            if (output == null) {
                applyRetention(current.record(), policy);
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
        AddonProvider provider = registry.require(state.record().addon());
        refuseUnsupported(provider, state.record());
        return store.lockedBackups(state.record().id(), () -> {
            AddonState current = active(state.record().id());
            Path marker = restoreMarker(current.record().id());
            writeMarker(marker);
            try {
                return restoreInto(current, provider, archive, force);
            } finally {
                deleteMarker(marker);
            }
        });
    }

    /**
     * Cleans up after backups and restores that a process which died left half-done: has the
     * provider remove what an interrupted restore made on a running server (a scratch database),
     * and deletes the scratch dumps and partial archives of dead processes. Returns how many
     * restores and files were cleaned up.
     */
    public int reconcile() {
        int cleaned = 0;
        Path markers = root.resolve(".restores");
        if (Files.isDirectory(markers)) {
            try (Stream<Path> files = Files.list(markers)) {
                for (Path marker : files.filter(f -> f.getFileName().toString().endsWith(".restore")).toList()) {
                    try {
                        if (cleanUpAfterRestore(marker)) {
                            cleaned++;
                        }
                    } catch (AddonException e) {
                        // E.g. its runtime cannot be reached now: the next reconcile tries again.
                        LOG.warn("Cannot clean up after the interrupted restore {}: {}", marker, e.getMessage());
                    }
                }
            } catch (IOException e) {
                LOG.warn("Cannot look for interrupted restores in {}: {}", markers, e.getMessage());
            }
        }
        try {
            List<Path> removed = PrivateFiles.removeAbandoned(root, 5);
            removed.forEach(file -> LOG.info("Removed {}, left by a backup or restore that was interrupted", file));
            cleaned += removed.size();
        } catch (IOException e) {
            LOG.warn("Cannot look for files interrupted backups left in {}: {}", root, e.getMessage());
        }
        return cleaned;
    }

    /** Cleans up after the restore {@code marker} records, if its process died; true when it did. */
    private boolean cleanUpAfterRestore(Path marker) throws IOException {
        String name = marker.getFileName().toString();
        String id = name.substring(0, name.length() - ".restore".length());
        String[] owner = Files.readString(marker, StandardCharsets.UTF_8).strip().split(" ");
        if (owner.length == 2 && new AddonState.Owner(Long.parseLong(owner[0]), Long.parseLong(owner[1])).isAlive()) {
            return false; // Still restoring.
        }
        AddonState state = store.addon(id).orElse(null);
        if (state != null && state.serverId() != null) {
            if (!servers.isRunning(state.serverId())) {
                LOG.warn("{} - A restore into it was interrupted; its server is not running, so what the restore "
                        + "left is cleaned up once it runs again", id);
                return false;
            }
            AddonProvider provider = registry.require(state.record().addon());
            try {
                registry.capability(provider, BackupCapability.class).cleanUpInterruptedRestore(state.tenant(provider), new Binding(state.binding()),
                        servers.access(state.serverId()));
            } catch (AddonException e) {
                LOG.warn("{} - Cannot clean up after its interrupted restore: {}", id, e.getMessage());
                return false;
            }
            LOG.warn("{} - A restore into it was interrupted (its process exited); cleaned up, its data is as "
                    + "it was before that restore or after it", id);
        }
        Files.deleteIfExists(marker);
        return true;
    }

    private Path restoreMarker(String addonId) {
        return root.resolve(".restores").resolve(addonId + ".restore");
    }

    private static void writeMarker(Path marker) {
        AddonState.Owner self = AddonState.Owner.current();
        try {
            PrivateFiles.directory(marker.getParent());
            PrivateFiles.write(marker, (self.pid() + " " + self.startedAt() + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AddonException("Cannot record the restore in " + marker + ": " + e.getMessage(), e);
        }
    }

    private static void deleteMarker(Path marker) {
        try {
            Files.deleteIfExists(marker);
        } catch (IOException e) {
            LOG.warn("Cannot delete {}: {}", marker, e.getMessage());
        }
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

    /** The archives the home keeps of an app's addons in an environment, oldest first. */
    public List<BackupInfo> list(String app, String environment) {
        Path directory = root.resolve(app).resolve(environment);
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        List<BackupInfo> all = new ArrayList<>();
        try (Stream<Path> addons = Files.list(directory)) {
            for (Path addon : addons.filter(Files::isDirectory).toList()) {
                all.addAll(archives(addon));
            }
        } catch (IOException e) {
            throw new AddonException("Cannot list the backups in " + directory + ": " + e.getMessage(), e);
        }
        all.sort(Comparator.comparing(BackupInfo::createdAt));
        return all;
    }

    /** The readable archives in one addon's directory, oldest first; unreadable ones are logged and skipped. */
    private static List<BackupInfo> archives(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        List<BackupInfo> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(BackupArchive.SUFFIX)
                    && !f.getFileName().toString().startsWith(".")).toList()) {
                try {
                    found.add(BackupArchive.manifest(file).info(file, Files.size(file)));
                } catch (InvalidBackupException | IOException e) {
                    LOG.warn("Skipping {}: {}", file, e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new AddonException("Cannot list the backups in " + directory + ": " + e.getMessage(), e);
        }
        found.sort(Comparator.comparing(BackupInfo::createdAt));
        return found;
    }

    /**
     * Deletes the addon's archives the policy does not keep: beyond the last {@code keepLast}, or
     * older than {@code maxAge}; the newest archive is always kept. Returns how many were deleted.
     */
    public int applyRetention(AddonRecord record, BackupPolicy policy) {
        List<BackupInfo> newestFirst = new ArrayList<>(archives(directory(record)));
        newestFirst.sort(Comparator.comparing(BackupInfo::createdAt).reversed());
        Instant now = clock.instant();
        int deleted = 0;
        for (int i = 1; i < newestFirst.size(); i++) {
            BackupInfo backup = newestFirst.get(i);
            boolean tooMany = policy.keepLast() > 0 && i >= policy.keepLast();
            boolean tooOld = policy.maxAgeIfAny().map(age -> backup.createdAt().plus(age).isBefore(now)).orElse(false);
            if (tooMany || tooOld) {
                try {
                    Files.deleteIfExists(backup.file());
                    deleted++;
                    LOG.info("{} - Deleted backup {} ({})", record.id(), backup.file().getFileName(),
                            tooMany ? "beyond the last " + policy.keepLast() : "older than "
                                    + BackupPolicy.format(policy.maxAge()));
                } catch (IOException e) {
                    LOG.warn("{} - Cannot delete backup {}: {}", record.id(), backup.file(), e.getMessage());
                }
            }
        }
        return deleted;
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
        Path log = directory(state.record()).resolve(".scheduled.log");
        // Checked again under the addon's lock by backup(): another process may have just taken it.
        return store.lockedBackups(state.record().id(), () -> {
            Instant last = lastLogged(log);
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
            Instant last = lastLogged(directory(state.record()).resolve(".scheduled.log"));
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

    /**
     * Runs {@code work} while no backup or restore of {@code states}' addons runs, in this process
     * or another on the home: one under way is waited for, and none begins until {@code work} ends.
     * For what a backup or restore must not overlap: the addon's destroy, its server's restart or
     * stop. Takes the addons' backup locks in the order of their ids, before any other lock.
     */
    public <T> T excluding(List<AddonState> states, Supplier<T> work) {
        List<String> locks = states.stream().map(s -> s.record().id()).distinct().sorted().toList();
        return excluding(locks, 0, work);
    }

    private <T> T excluding(List<String> locks, int from, Supplier<T> work) {
        if (from == locks.size()) {
            return work.get();
        }
        return store.lockedBackups(locks.get(from), () -> excluding(locks, from + 1, work));
    }

    static String describe(AddonRecord record) {
        return record.addon() + " of " + record.app() + "/" + record.environment();
    }

    private static Path unique(Path directory, String base) {
        Path candidate = directory.resolve(base + BackupArchive.SUFFIX);
        for (int n = 2; Files.exists(candidate); n++) {
            candidate = directory.resolve(base + "-" + n + BackupArchive.SUFFIX);
        }
        return candidate;
    }

    /** Appends {@code when} to a log of backup times, dropping entries older than two days. */
    private static void log(Path file, Instant when) {
        try {
            List<String> kept = new ArrayList<>();
            if (Files.exists(file)) {
                Instant horizon = when.minus(Duration.ofDays(2));
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    Instant logged = parse(line);
                    if (logged != null && logged.isAfter(horizon)) {
                        kept.add(line);
                    }
                }
            }
            kept.add(when.toString());
            PrivateFiles.directory(file.getParent());
            PrivateFiles.write(file, (String.join("\n", kept) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AddonException("Cannot record the backup in " + file + ": " + e.getMessage(), e);
        }
    }

    private static int countToday(Path file, Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        return (int) readLog(file).stream()
                .filter(logged -> LocalDate.ofInstant(logged, ZoneOffset.UTC).equals(today))
                .count();
    }

    private static Instant lastLogged(Path file) {
        return readLog(file).stream().max(Comparator.naturalOrder()).orElse(null);
    }

    private static List<Instant> readLog(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(Backups::parse)
                    .filter(java.util.Objects::nonNull).toList();
        } catch (IOException e) {
            throw new AddonException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Instant parse(String line) {
        try {
            return Instant.parse(line.strip());
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
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
