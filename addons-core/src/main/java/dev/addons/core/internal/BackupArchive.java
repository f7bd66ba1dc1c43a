package dev.addons.core.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import dev.addons.api.InvalidBackupException;
import dev.addons.core.BackupInfo;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The backup archive: one zstd-compressed tar file ({@code .tar.zst}, readable with
 * {@code tar --zstd -xf}) holding {@code manifest.json} first, then {@code payload}, the engine's
 * dump. The manifest names the engine, version, variant, app and time, and carries the dump's
 * size and SHA-256, so that a restore checks all of it before anything is touched. Archives are
 * written to a temporary file and moved into place, so a file of the final name is whole.
 *
 * <p>An archive to read may come from anyone, so reading it trusts nothing in it: the text of its
 * manifest is returned with control characters escaped ({@link Names#escapeControls}); no more is
 * decompressed than its manifest and headers need before the manifest is read, nor than the
 * manifest's dump size and the tar framing after (a small file that inflates to far more, a
 * decompression bomb, is refused when it passes that mark, and its partial dump deleted); and a
 * dump larger than the scratch directory's free space is refused before a byte of it is written.
 * Stateless.
 */
public final class BackupArchive {
    /** The archive format this build writes and reads. */
    public static final String FORMAT = "addons-backup/1";
    /** The file name suffix of archives. */
    public static final String SUFFIX = ".tar.zst";

    static final String MANIFEST = "manifest.json";
    static final String PAYLOAD = "payload";
    private static final int MANIFEST_LIMIT = 64 * 1024;
    /** What may be decompressed before the manifest is read: its tar headers and itself. */
    private static final long BEFORE_DUMP_LIMIT = 2L * MANIFEST_LIMIT;
    /** What may be decompressed after the dump: its padding, the end of the tar, a record's padding. */
    private static final long AFTER_DUMP_SLACK = 64 * 1024;
    /** Free space a restore leaves on the scratch directory's file system beyond the dump. */
    private static final long FREE_SPACE_RESERVE = 64L * 1024 * 1024;
    private static final int ZSTD_LEVEL = 3;

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private BackupArchive() {
    }

    /**
     * What an archive says of itself.
     *
     * @param format        {@link #FORMAT}
     * @param engine        the provider's name, e.g. {@code postgresql}
     * @param version       the server version or image
     * @param variant       the addon's variant
     * @param app           the app
     * @param environment   the environment
     * @param createdAt     when the backup began
     * @param trigger       manual, scheduled or migration
     * @param payloadBytes  the dump's size
     * @param payloadSha256 the dump's SHA-256, hex
     * @param payloadFormat the provider's name for the dump's format where it writes more than one
     *                      (PostgreSQL: {@code pg_dump} or {@code physical}), else null; null in
     *                      archives written before it was recorded
     */
    public record Manifest(String format, String engine, String version, String variant, String app,
            String environment, Instant createdAt, String trigger, long payloadBytes, String payloadSha256,
            String payloadFormat) {
        public Manifest {
            Objects.requireNonNull(format, "format == null");
            Objects.requireNonNull(engine, "engine == null");
            Objects.requireNonNull(version, "version == null");
            Objects.requireNonNull(variant, "variant == null");
            Objects.requireNonNull(app, "app == null");
            Objects.requireNonNull(environment, "environment == null");
            Objects.requireNonNull(createdAt, "createdAt == null");
            Objects.requireNonNull(trigger, "trigger == null");
            Objects.requireNonNull(payloadSha256, "payloadSha256 == null");
        }

        /** A manifest without a payload format: the provider writes one format only. */
        public Manifest(String format, String engine, String version, String variant, String app,
                String environment, Instant createdAt, String trigger, long payloadBytes, String payloadSha256) {
            this(format, engine, version, variant, app, environment, createdAt, trigger, payloadBytes, payloadSha256,
                    null);
        }

        /** This manifest with control characters escaped in its text, as read from an archive. */
        Manifest escaped() {
            return new Manifest(Names.escapeControls(format), Names.escapeControls(engine),
                    Names.escapeControls(version), Names.escapeControls(variant), Names.escapeControls(app),
                    Names.escapeControls(environment), createdAt, Names.escapeControls(trigger), payloadBytes,
                    Names.escapeControls(payloadSha256), Names.escapeControls(payloadFormat));
        }

        BackupInfo info(Path file, long archiveBytes) {
            return new BackupInfo(file, app, environment, engine, version, variant, createdAt, trigger, payloadBytes,
                    archiveBytes, payloadSha256);
        }
    }

    /** A dump being written to a private temporary file, hashed on the way. */
    public static final class Payload implements AutoCloseable {
        private final Path file;
        private final MessageDigest digest;
        private final DigestOutputStream out;
        private long size = -1;

        Payload(Path directory) throws IOException {
            this.file = PrivateFiles.tempFile(directory, "payload-");
            this.digest = sha256();
            this.out = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(file)), digest);
        }

        /** Where the provider writes; not to be closed by it. */
        public OutputStream out() {
            return out;
        }

        /** Ends the writing; returns the dump's SHA-256. */
        String finish() throws IOException {
            out.close();
            size = Files.size(file);
            return HexFormat.of().formatHex(digest.digest());
        }

        long size() {
            return size;
        }

        Path file() {
            return file;
        }

        /** Deletes the payload file, also when closing it fails (a full disk refuses the last bytes). */
        @Override
        public void close() throws IOException {
            try {
                out.close();
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }

    /** A new payload file in {@code directory}. */
    static Payload payload(Path directory) throws IOException {
        return new Payload(directory);
    }

    /**
     * Writes the archive of {@code payload} (finished) to {@code target}, through a temporary file
     * next to it; returns what it holds.
     */
    static BackupInfo write(Path target, Manifest manifest, Payload payload) throws IOException {
        Path directory = target.toAbsolutePath().getParent();
        PrivateFiles.directory(directory);
        Path temp = PrivateFiles.tempFile(directory, "." + target.getFileName() + "-");
        try {
            byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
            try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(temp));
                    ZstdOutputStream zstd = new ZstdOutputStream(file, ZSTD_LEVEL);
                    TarArchiveOutputStream tar = new TarArchiveOutputStream(zstd)) {
                zstd.setChecksum(true);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                put(tar, MANIFEST, manifestBytes.length, manifest.createdAt());
                tar.write(manifestBytes);
                tar.closeArchiveEntry();
                put(tar, PAYLOAD, payload.size(), manifest.createdAt());
                tar.flush();
                CrashPoints.reach("backup.archiving");
                Files.copy(payload.file(), tar);
                tar.closeArchiveEntry();
            }
            try (java.nio.channels.FileChannel written = java.nio.channels.FileChannel.open(temp,
                    java.nio.file.StandardOpenOption.WRITE)) {
                written.force(true); // Whole on disk before it takes the archive's name.
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            PrivateFiles.syncDirectory(directory);
            return manifest.info(target, Files.size(target));
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void put(TarArchiveOutputStream tar, String name, long size, Instant time) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(size);
        entry.setMode(0100600);
        entry.setModTime(time.toEpochMilli());
        tar.putArchiveEntry(entry);
    }

    /** The manifest alone (the archive's first entry), without reading the dump. */
    public static Manifest manifest(Path archive) {
        try (Bounded bounded = open(archive); TarArchiveInputStream tar = new TarArchiveInputStream(bounded)) {
            return readManifest(archive, tar);
        } catch (IOException e) {
            throw unreadable(archive, e);
        }
    }

    /**
     * Reads the whole archive, checks the manifest and the dump's size and SHA-256, and returns
     * the manifest with the dump in a private temporary file in {@code scratch}, which the caller
     * deletes. Throws {@link InvalidBackupException} for any fault.
     */
    public static Verified verify(Path archive, Path scratch) {
        return verify(archive, scratch, manifest -> { });
    }

    /**
     * As {@link #verify(Path, Path)}, with {@code check} run on the manifest as soon as it is
     * read, before any of the dump is decompressed: what it throws (a manifest that does not fit
     * the target) ends the verification.
     */
    public static Verified verify(Path archive, Path scratch, Consumer<Manifest> check) {
        try (Bounded bounded = open(archive); TarArchiveInputStream tar = new TarArchiveInputStream(bounded)) {
            Manifest manifest = readManifest(archive, tar);
            check.accept(manifest);
            TarArchiveEntry entry = tar.getNextEntry();
            if (entry == null || !entry.getName().equals(PAYLOAD)) {
                throw new InvalidBackupException(archive + " is not a whole addons backup: its " + PAYLOAD
                        + " is missing");
            }
            if (entry.getSize() != manifest.payloadBytes()) {
                throw new InvalidBackupException(archive + " is damaged or forged: its dump's tar header says "
                        + entry.getSize() + " bytes where the manifest says " + manifest.payloadBytes());
            }
            refuseWithoutRoom(archive, manifest, scratch);
            bounded.limitTo(bounded.count() + manifest.payloadBytes() + AFTER_DUMP_SLACK);
            Path dump = PrivateFiles.tempFile(scratch, "restore-");
            try {
                MessageDigest digest = sha256();
                long size;
                try (OutputStream out = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(dump)),
                        digest)) {
                    size = tar.transferTo(out);
                }
                if (size != manifest.payloadBytes()) {
                    throw new InvalidBackupException(archive + " is truncated or damaged: its dump has " + size
                            + " bytes where the manifest says " + manifest.payloadBytes());
                }
                String sha = HexFormat.of().formatHex(digest.digest());
                if (!sha.equals(manifest.payloadSha256())) {
                    throw new InvalidBackupException(archive + " is damaged: the SHA-256 of its dump is " + sha
                            + ", the manifest says " + manifest.payloadSha256());
                }
                if (tar.getNextEntry() != null) {
                    throw new InvalidBackupException(archive + " holds more than a manifest and a dump");
                }
                // The rest of the zstd frame, with its checksum, must be there too.
                tar.transferTo(OutputStream.nullOutputStream());
                return new Verified(manifest, dump);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(dump);
                throw e;
            }
        } catch (IOException e) {
            throw unreadable(archive, e);
        }
    }

    /** A verified archive's manifest and its dump, in a temporary file. */
    public record Verified(Manifest manifest, Path dump) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            Files.deleteIfExists(dump);
        }
    }

    /** The archive's decompressed bytes, at most enough for its manifest until {@link Bounded#limitTo}. */
    private static Bounded open(Path archive) throws IOException {
        InputStream file = new BufferedInputStream(Files.newInputStream(archive));
        try {
            return new Bounded(new ZstdInputStream(file), archive, BEFORE_DUMP_LIMIT);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** Refuses a dump the scratch directory's file system has no room for, keeping a reserve free. */
    private static void refuseWithoutRoom(Path archive, Manifest manifest, Path scratch) throws IOException {
        long usable = Files.getFileStore(PrivateFiles.directory(scratch)).getUsableSpace();
        if (manifest.payloadBytes() > usable - FREE_SPACE_RESERVE) {
            throw new InvalidBackupException(archive + "'s manifest says its dump has " + manifest.payloadBytes()
                    + " bytes; " + scratch + " has " + usable + " bytes free, and a restore leaves "
                    + FREE_SPACE_RESERVE + " of them free: free space there, or restore a smaller backup");
        }
    }

    /**
     * Decompressed bytes counted against a limit: reading past it fails with
     * {@link InvalidBackupException}, so no more than the manifest accounts for is ever inflated.
     */
    private static final class Bounded extends FilterInputStream {
        private final Path archive;
        private long limit;
        private long count;

        Bounded(InputStream in, Path archive, long limit) {
            super(in);
            this.archive = archive;
            this.limit = limit;
        }

        long count() {
            return count;
        }

        void limitTo(long limit) {
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            // One byte past the limit is enough to tell that there is more than allowed.
            int allowed = (int) Math.min(length, limit - count + 1);
            int read = in.read(buffer, offset, allowed);
            if (read > 0) {
                count += read;
                if (count > limit) {
                    throw new InvalidBackupException(archive + " decompresses to more than its " + MANIFEST
                            + " accounts for (" + limit + " bytes read so far): refused, as a damaged or forged"
                            + " archive (a decompression bomb) would fill the disk");
                }
            }
            return read;
        }

        /** Skipped bytes are decompressed all the same, so they are read and counted. */
        @Override
        public long skip(long n) throws IOException {
            byte[] buffer = new byte[(int) Math.min(Math.max(n, 0), 8192)];
            return Math.max(read(buffer, 0, buffer.length), 0);
        }
    }

    private static Manifest readManifest(Path archive, TarArchiveInputStream tar) throws IOException {
        TarArchiveEntry entry = tar.getNextEntry();
        if (entry == null || !entry.getName().equals(MANIFEST) || entry.getSize() > MANIFEST_LIMIT) {
            throw new InvalidBackupException(archive + " is not an addons backup: it does not start with a "
                    + MANIFEST);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        tar.transferTo(bytes);
        Manifest manifest;
        try {
            manifest = JSON.readValue(bytes.toByteArray(), Manifest.class).escaped();
        } catch (IOException | RuntimeException e) {
            // The parser's message quotes the manifest; its cause is left out for the same reason.
            throw new InvalidBackupException(archive + " has an unreadable " + MANIFEST + ": "
                    + Names.escapeControls(String.valueOf(e.getMessage())));
        }
        if (!FORMAT.equals(manifest.format())) {
            throw new InvalidBackupException(archive + " is in format '" + manifest.format() + "'; this build reads "
                    + FORMAT);
        }
        return manifest;
    }

    private static InvalidBackupException unreadable(Path archive, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new InvalidBackupException("There is no backup file " + archive, e);
        }
        return new InvalidBackupException(archive + " cannot be read as an addons backup (truncated, damaged or not "
                + "zstd): " + e.getMessage(), e);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
