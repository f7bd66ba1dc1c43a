package dev.addons.core;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * One backup archive, as its manifest describes it.
 *
 * @param file          where the archive is
 * @param app           the app whose addon it was taken of
 * @param environment   that addon's environment
 * @param addon         the addon's name, e.g. {@code postgresql}
 * @param version       the server version (or image) the data came from
 * @param variant       the addon's variant then
 * @param createdAt     when the backup began: nothing committed before then is missing
 * @param trigger       {@code manual}, {@code scheduled} or {@code migration}
 * @param payloadBytes  the size of the engine's dump, uncompressed
 * @param archiveBytes  the size of the archive file
 * @param sha256        the SHA-256 of the dump, hex
 */
public record BackupInfo(
        Path file, String app, String environment, String addon, String version, String variant, Instant createdAt,
        String trigger, long payloadBytes, long archiveBytes, String sha256) {

    /** Backups taken on request, counted against the daily limit. */
    public static final String MANUAL = "manual";
    /** Backups taken by the schedule of an addon's {@link BackupPolicy}. */
    public static final String SCHEDULED = "scheduled";
    /** Backups taken to move an addon to another variant. */
    public static final String MIGRATION = "migration";
    /** Trigger: taken just before the addon was destroyed, to bring it back with {@code restore}. */
    public static final String FINAL = "final";

    public BackupInfo {
        Objects.requireNonNull(file, "file == null");
        Objects.requireNonNull(app, "app == null");
        Objects.requireNonNull(environment, "environment == null");
        Objects.requireNonNull(addon, "addon == null");
        Objects.requireNonNull(version, "version == null");
        Objects.requireNonNull(variant, "variant == null");
        Objects.requireNonNull(createdAt, "createdAt == null");
        Objects.requireNonNull(trigger, "trigger == null");
        Objects.requireNonNull(sha256, "sha256 == null");
    }
}
