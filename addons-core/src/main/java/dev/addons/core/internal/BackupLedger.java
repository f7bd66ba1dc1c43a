package dev.addons.core.internal;

import dev.addons.api.AddonException;
import dev.addons.api.AddonRecord;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.BackupCapability;
import dev.addons.api.spi.Binding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable record of a home's backup and restore operations: the lock that lets one backup
 * or restore of an addon run at a time across threads and processes, the marker a running
 * restore leaves until it ends, the logs of when backups were taken (the daily limit of manual
 * backups, when the next scheduled one is due), and the clean-up, at a reconcile, after the
 * operations a process that died left half-done. Thread-safe.
 */
public final class BackupLedger {
    private static final Logger LOG = LoggerFactory.getLogger(BackupLedger.class);

    private final Path root;
    private final BackupCatalog catalog;
    private final StateStore store;
    private final ProviderRegistry registry;
    private final Servers servers;

    BackupLedger(Path root, BackupCatalog catalog, StateStore store, ProviderRegistry registry, Servers servers) {
        this.root = root;
        this.catalog = catalog;
        this.store = store;
        this.registry = registry;
        this.servers = servers;
    }

    /** Runs {@code work} holding the addon's backup lock: no other backup or restore of it runs meanwhile. */
    <T> T locked(String addonId, Supplier<T> work) {
        return store.lockedBackups(addonId, work);
    }

    /**
     * Runs the restore {@code work} into the addon with a marker recording it while it runs, so
     * that a reconcile cleans up after it if its process dies part-way. Called holding the lock.
     */
    <T> T restoring(String addonId, Supplier<T> work) {
        Path marker = restoreMarker(addonId);
        writeMarker(marker);
        try {
            return work.get();
        } finally {
            deleteMarker(marker);
        }
    }

    /** Records that a backup of the addon by {@code trigger} was taken at {@code when}. */
    void taken(AddonRecord record, String trigger, Instant when) {
        log(takenLog(record, trigger), when);
    }

    /** How many backups of the addon by {@code trigger} were taken on the UTC day of {@code now}. */
    int takenOn(AddonRecord record, String trigger, Instant now) {
        return countToday(takenLog(record, trigger), now);
    }

    /** When the last backup of the addon by {@code trigger} was taken; null when none is logged. */
    Instant lastTaken(AddonRecord record, String trigger) {
        return lastLogged(takenLog(record, trigger));
    }

    private Path takenLog(AddonRecord record, String trigger) {
        return catalog.directory(record).resolve("." + trigger + ".log");
    }

    /**
     * Runs {@code work} while no backup or restore of {@code states}' addons runs, in this process
     * or another on the home: one under way is waited for, and none begins until {@code work} ends.
     * For what a backup or restore must not overlap: the addon's destroy, its server's restart or
     * stop. Takes the addons' backup locks in the order of their ids, before any other lock.
     */
    <T> T excluding(List<AddonState> states, Supplier<T> work) {
        List<String> locks = states.stream().map(s -> s.record().id()).distinct().sorted().toList();
        return excluding(locks, 0, work);
    }

    private <T> T excluding(List<String> locks, int from, Supplier<T> work) {
        if (from == locks.size()) {
            return work.get();
        }
        return store.lockedBackups(locks.get(from), () -> excluding(locks, from + 1, work));
    }

    /**
     * Cleans up after backups and restores that a process which died left half-done: has the
     * provider remove what an interrupted restore made on a running server (a scratch database),
     * and deletes the scratch dumps and partial archives of dead processes. Returns how many
     * restores and files were cleaned up.
     */
    int reconcile() {
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
                registry.capability(provider, BackupCapability.class).cleanUpInterruptedRestore(
                        state.tenant(provider), new Binding(state.binding()), servers.access(state.serverId()));
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
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(BackupLedger::parse)
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
}
