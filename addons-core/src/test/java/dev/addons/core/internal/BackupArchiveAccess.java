package dev.addons.core.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/** Writes archives for tests of other packages: of other engines, or dated in the past. */
public final class BackupArchiveAccess {
    private BackupArchiveAccess() {
    }

    /** An archive of {@code engine} holding {@code dump}, taken now. */
    public static Path write(Path file, String engine, String dump) throws IOException {
        return write(file, engine, dump, Instant.now());
    }

    /** An archive of {@code engine} holding one row, taken {@code age} ago. */
    public static Path writeOld(Path file, String engine, Duration age) throws IOException {
        return write(file, engine, "old=row\n", Instant.now().minus(age));
    }

    private static Path write(Path file, String engine, String dump, Instant createdAt) throws IOException {
        try (BackupArchive.Payload payload = BackupArchive.payload(file.toAbsolutePath().getParent())) {
            payload.out().write(dump.getBytes(StandardCharsets.UTF_8));
            String sha = payload.finish();
            Files.deleteIfExists(file);
            BackupArchive.write(file, new BackupArchive.Manifest(BackupArchive.FORMAT, engine, "1", "small", "other",
                    "production", createdAt, "manual", payload.size(), sha), payload);
        }
        return file;
    }
}
