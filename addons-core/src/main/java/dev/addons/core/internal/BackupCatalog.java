package dev.addons.core.internal;

import dev.addons.api.AddonException;
import dev.addons.api.AddonRecord;
import dev.addons.api.InvalidBackupException;
import dev.addons.core.BackupInfo;
import dev.addons.core.BackupPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What backups a home keeps: the archives under {@code <home>/backups/<app>/<environment>/<addon>/},
 * listed by reading their manifests, named when one is taken, and deleted when an addon's
 * {@link BackupPolicy} no longer keeps them. Takes no lock: what runs is the {@link BackupLedger}'s.
 * Thread-safe.
 */
public final class BackupCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(BackupCatalog.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final Path root;
    private final Clock clock;

    BackupCatalog(Path root, Clock clock) {
        this.root = root;
        this.clock = clock;
    }

    /** Where the home keeps the archives of an addon. */
    Path directory(AddonRecord record) {
        return root.resolve(record.app()).resolve(record.environment()).resolve(record.addon());
    }

    /** Where a backup of the addon taken by {@code trigger} at {@code began} is written: a name no archive has. */
    Path newArchive(AddonRecord record, String trigger, Instant began) {
        return unique(directory(record), record.addon() + "-" + STAMP.format(began) + "-" + trigger);
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

    private static Path unique(Path directory, String base) {
        Path candidate = directory.resolve(base + BackupArchive.SUFFIX);
        for (int n = 2; Files.exists(candidate); n++) {
            candidate = directory.resolve(base + "-" + n + BackupArchive.SUFFIX);
        }
        return candidate;
    }
}
