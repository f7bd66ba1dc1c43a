package dev.addons.testkit;

import dev.addons.core.internal.BackupArchive;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What a backup archive's manifest says of its dump beyond the facade's
 * {@link dev.addons.core.BackupInfo}, for engine tests that check which kind of dump their
 * provider wrote. Engine modules reach addons-core's internals only through the testkit.
 *
 * @param engine        the addon, e.g. {@code postgresql}
 * @param version       the server version the data came from
 * @param payloadFormat the provider's name for the dump's format where it writes more than one
 *                      (PostgreSQL: {@code pg_dump} or {@code physical}), else null
 */
public record BackupManifest(String engine, String version, String payloadFormat) {

    public BackupManifest {
        Objects.requireNonNull(engine, "engine == null");
        Objects.requireNonNull(version, "version == null");
    }

    /** The manifest of the archive {@code archive}, read as a restore reads it. */
    public static BackupManifest of(Path archive) {
        BackupArchive.Manifest manifest = BackupArchive.manifest(archive);
        return new BackupManifest(manifest.engine(), manifest.version(), manifest.payloadFormat());
    }
}
