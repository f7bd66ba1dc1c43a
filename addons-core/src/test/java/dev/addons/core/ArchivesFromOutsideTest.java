package dev.addons.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdOutputStream;
import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.InvalidBackupException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup file to restore may come from anyone: a crafted archive whose manifest does not fit
 * the target, that inflates to far more than it says, or whose manifest's text would drive the
 * terminal it is printed on, is refused before the target's data is touched and before it can
 * fill the disk, and its text is shown with control characters escaped. Archives are written by
 * hand here, as an attacker would, with the same tar and zstd libraries.
 */
class ArchivesFromOutsideTest {
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path home;
    @TempDir
    Path elsewhere;

    final FakeRuntime runtime = new FakeRuntime();
    Addons addons;

    @BeforeEach
    void open() {
        addons = Addons.builder().home(home).runtime(runtime).automaticBackups(false).build();
    }

    @AfterEach
    void close() {
        addons.close();
    }

    @Test
    void aBackupOfAnotherEngineIsRefusedNamingBothEnginesBeforeItsDumpIsRead() throws IOException {
        addons.app("shop", "production").create(AddonSpec.of("fakedb"));
        rows().put("a", "1");
        // Its dump would be refused as a bomb; the engine is refused first, from the manifest alone.
        Path archive = craft("mysql.tar.zst", manifest("mysql", "8", null, 16, sha("x")), 256 * MIB, 256 * MIB);

        assertThatThrownBy(() -> addons.app("shop", "production").restore("fakedb", archive, true))
                .isInstanceOf(InvalidBackupException.class)
                .hasMessage(archive + " is a backup of mysql (of other/production); it cannot be restored into"
                        + " fakedb of shop/production: the manifest's engine is 'mysql', the target's 'fakedb'."
                        + " Restore it into a mysql addon");
        assertThat(rows()).containsExactlyEntriesOf(Map.of("a", "1"));
        assertNoScratchLeft();
    }

    @Test
    void aBackupOfAnotherEngineMakesNoAddonToRestoreInto() throws IOException {
        Path archive = craft("mysql.tar.zst", manifest("mysql", "8", null, 4, sha("k=v\n")), "k=v\n");

        assertThatThrownBy(() -> addons.app("shop", "production").restore(AddonSpec.of("fakedb"), archive))
                .isInstanceOf(InvalidBackupException.class)
                .hasMessageContaining("the manifest's engine is 'mysql', the target's 'fakedb'");
        assertThat(addons.app("shop", "production").list()).isEmpty();
    }

    @Test
    void aVersionBoundDumpOfAnotherMajorVersionIsRefusedNamingBothVersions() throws IOException {
        addons.app("shop", "production").create(AddonSpec.of("fakedb").withVersion("2"));
        rows().put("a", "1");
        Path archive = craft("copy.tar.zst", manifest("fakedb", "1", "copy", 4, sha("k=v\n")), "k=v\n");

        assertThatThrownBy(() -> addons.app("shop", "production").restore("fakedb", archive, true))
                .isInstanceOf(InvalidBackupException.class)
                .hasMessage(archive + " is a copy backup of fakedb 1 (of other/production), which restores only"
                        + " into fakedb 1: the manifest's version is '1', the target's (fakedb of shop/production)"
                        + " '2'. Restore it into an addon of version 1");
        assertThat(rows()).containsExactlyEntriesOf(Map.of("a", "1"));
        assertThatThrownBy(() -> addons.app("shop", "staging")
                .restore(AddonSpec.of("fakedb").withVersion("2"), archive))
                .isInstanceOf(InvalidBackupException.class)
                .hasMessageContaining("the manifest's version is '1', the target's (fakedb of shop/staging) '2'");
        assertThat(addons.app("shop", "staging").list()).as("nothing made to restore into").isEmpty();
    }

    @Test
    void aDumpThatLoadsIntoAnyVersionRestoresIntoAnother() throws IOException {
        addons.app("shop", "production").create(AddonSpec.of("fakedb").withVersion("2"));
        Path archive = craft("dump.tar.zst", manifest("fakedb", "1", null, 4, sha("k=v\n")), "k=v\n");

        addons.app("shop", "production").restore("fakedb", archive, true);

        assertThat(rows()).containsExactlyEntriesOf(Map.of("k", "v"));
    }

    @Test
    void aDumpInflatingFarBeyondItsManifestIsRefusedBeforeItIsWritten() throws IOException {
        addons.app("shop", "production").create(AddonSpec.of("fakedb"));
        rows().put("a", "1");
        // 256 MiB of zeros under a manifest that says 16 bytes: a file of a few kilobytes.
        Path bomb = craft("bomb.tar.zst", manifest("fakedb", "1", null, 16, sha("k=v\n")), 256 * MIB, 256 * MIB);
        assertThat(Files.size(bomb)).isLessThan(MIB);

        assertThatThrownBy(() -> addons.app("shop", "production").restore("fakedb", bomb, true))
                .isInstanceOf(InvalidBackupException.class)
                .hasMessage(bomb + " is damaged or forged: its dump's tar header says " + 256 * MIB
                        + " bytes where the manifest says 16");
        assertThat(rows()).containsExactlyEntriesOf(Map.of("a", "1"));
        assertNoScratchLeft();
    }

    @Test
    void entriesInflatingBeforeTheManifestAreRefusedOnceTheyPassWhatAManifestNeeds() throws IOException {
        addons.app("shop", "production").create(AddonSpec.of("fakedb"));
        Path bomb = elsewhere.resolve("longname.tar.zst");
        try (ZstdOutputStream zstd = new ZstdOutputStream(Files.newOutputStream(bomb));
                TarArchiveOutputStream tar = new TarArchiveOutputStream(zstd, 512)) {
            // A GNU long name is read whole into memory by the tar reader: 32 MiB of it here.
            TarArchiveEntry longName = new TarArchiveEntry(TarConstants.GNU_LONGLINK,
                    TarConstants.LF_GNUTYPE_LONGNAME);
            longName.setSize(32 * MIB);
            tar.putArchiveEntry(longName);
            byte[] name = new byte[(int) MIB];
            java.util.Arrays.fill(name, (byte) 'm');
            for (int i = 0; i < 32; i++) {
                tar.write(name);
            }
            tar.closeArchiveEntry();
            putManifest(tar, manifest("fakedb", "1", null, 0, sha("")));
        }

        assertThatThrownBy(() -> addons.app("shop", "production").restore("fakedb", bomb, true))
                .isInstanceOf(InvalidBackupException.class)
                .hasMessageContaining(bomb + " decompresses to more than its manifest.json accounts for");
        assertThatThrownBy(() -> addons.app("shop", "staging").restore(AddonSpec.of("fakedb"), bomb))
                .isInstanceOf(InvalidBackupException.class)
                .hasMessageContaining("decompresses to more than its manifest.json accounts for");
        assertNoScratchLeft();
    }

    @Test
    void aDumpLargerThanTheFreeSpaceIsRefusedBeforeAByteOfItIsWritten() throws IOException {
        addons.app("shop", "production").create(AddonSpec.of("fakedb"));
        rows().put("a", "1");
        long petabyte = 1L << 50;
        // Manifest and tar header agree on a petabyte; the file holds a few bytes of it.
        Path huge = craft("huge.tar.zst", manifest("fakedb", "1", null, petabyte, sha("x")), petabyte, 4);

        assertThatThrownBy(() -> addons.app("shop", "production").restore("fakedb", huge, true))
                .isInstanceOf(InvalidBackupException.class)
                .hasMessageStartingWith(huge + "'s manifest says its dump has " + petabyte + " bytes; "
                        + home.resolve("backups/.scratch"))
                .hasMessageContaining("bytes free, and a restore leaves 67108864 of them free: free space there,"
                        + " or restore a smaller backup");
        assertThat(rows()).containsExactlyEntriesOf(Map.of("a", "1"));
        assertNoScratchLeft();
    }

    @Test
    void aManifestsTextIsShownWithItsControlCharactersEscaped() throws IOException {
        addons.app("shop", "production").create(AddonSpec.of("fakedb"));
        String app = "\u001b[2J\u001b[31mprod\rok\u202e";
        String environment = "production\u0007\u001b]0;owned\u0007";
        Path foreign = craft("ansi.tar.zst", manifest("fakecache\u001b[0m", "1\b", null, 4, sha("k=v\n"), app,
                environment), "k=v\n");

        assertThatThrownBy(() -> addons.app("shop", "production").restore("fakedb", foreign, true))
                .isInstanceOf(InvalidBackupException.class)
                .hasMessageContaining("is a backup of fakecache\\u001b[0m (of \\u001b[2J\\u001b[31mprod\\u000dok\\u202e"
                        + "/production\\u0007\\u001b]0;owned\\u0007)")
                .satisfies(e -> assertThat(e.getMessage().chars().filter(c -> c < 0x20 || c == 0x7f || c == 0x202e))
                        .as("control characters in the message").isEmpty());

        // An engine that only looks like the target's once its control characters are dropped is another.
        Path lookalike = craft("lookalike.tar.zst", manifest("fakedb\u0000", "1", null, 4, sha("k=v\n")), "k=v\n");
        assertThatThrownBy(() -> addons.app("shop", "production").restore("fakedb", lookalike, true))
                .isInstanceOf(InvalidBackupException.class)
                .hasMessageContaining("the manifest's engine is 'fakedb\\u0000', the target's 'fakedb'");

        // The home's list of backups shows an archive dropped there with its text escaped too.
        Path listed = home.resolve("backups/shop/production/fakedb/dropped.tar.zst");
        Files.createDirectories(listed.getParent());
        Files.move(craft("dropped.tar.zst", manifest("fakedb", "1", null, 4, sha("k=v\n"), app, environment),
                "k=v\n"), listed);
        assertThat(addons.app("shop", "production").backups()).singleElement().satisfies(info -> {
            assertThat(info.app()).isEqualTo("\\u001b[2J\\u001b[31mprod\\u000dok\\u202e");
            assertThat(info.environment()).isEqualTo("production\\u0007\\u001b]0;owned\\u0007");
        });
    }

    private Map<String, String> rows() {
        AddonRecord record = addons.app("shop", "production").list().get(0);
        int port = Integer.parseInt(addons.app(record.app(), record.environment()).credentials("fakedb")
                .get("FAKE_PORT")
                .orElseThrow());
        String serverId = runtime.running.values().stream().filter(s -> s.endpoint().port() == port).findFirst()
                .orElseThrow().serverId();
        return FakeRuntime.rows(serverId, "shop");
    }

    private void assertNoScratchLeft() throws IOException {
        Path scratch = home.resolve("backups/.scratch");
        if (Files.isDirectory(scratch)) {
            try (Stream<Path> left = Files.list(scratch)) {
                assertThat(left).as("partial dumps").isEmpty();
            }
        }
    }

    private static String manifest(String engine, String version, String payloadFormat, long payloadBytes,
            String sha256) {
        return manifest(engine, version, payloadFormat, payloadBytes, sha256, "other", "production");
    }

    /** A manifest as an archive holds it, in JSON, each text escaped for JSON only. */
    private static String manifest(String engine, String version, String payloadFormat, long payloadBytes,
            String sha256, String app, String environment) {
        return "{\"format\":\"addons-backup/1\",\"engine\":" + json(engine) + ",\"version\":" + json(version)
                + ",\"variant\":\"small\",\"app\":" + json(app) + ",\"environment\":" + json(environment)
                + ",\"createdAt\":\"2024-01-01T00:00:00Z\",\"trigger\":\"manual\",\"payloadBytes\":" + payloadBytes
                + ",\"payloadSha256\":\"" + sha256 + "\",\"payloadFormat\":"
                + (payloadFormat == null ? "null" : json(payloadFormat)) + "}";
    }

    private static String json(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            out.append(c < 0x20 || c == '"' || c == '\\' ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.append('"').toString();
    }

    /** An archive of {@code manifest} and {@code dump}, whole. */
    private Path craft(String name, String manifest, String dump) throws IOException {
        byte[] bytes = dump.getBytes(StandardCharsets.UTF_8);
        Path file = elsewhere.resolve(name);
        try (ZstdOutputStream zstd = new ZstdOutputStream(Files.newOutputStream(file));
                TarArchiveOutputStream tar = new TarArchiveOutputStream(zstd, 512)) {
            putManifest(tar, manifest);
            put(tar, "payload", bytes.length);
            tar.write(bytes);
            tar.closeArchiveEntry();
        }
        return file;
    }

    /**
     * An archive of {@code manifest} and a dump whose tar header says {@code declared} bytes, of
     * which {@code written} zeros follow; the file ends there when they are fewer.
     */
    private Path craft(String name, String manifest, long declared, long written) throws IOException {
        Path file = elsewhere.resolve(name);
        try (OutputStream out = Files.newOutputStream(file); ZstdOutputStream zstd = new ZstdOutputStream(out)) {
            TarArchiveOutputStream tar = new TarArchiveOutputStream(zstd, 512);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            putManifest(tar, manifest);
            put(tar, "payload", declared);
            byte[] zeros = new byte[(int) Math.min(written, MIB)];
            for (long left = written; left > 0; left -= zeros.length) {
                tar.write(zeros, 0, (int) Math.min(left, zeros.length));
            }
            if (written == declared) {
                tar.closeArchiveEntry();
                tar.finish();
            }
            tar.flush();
        }
        return file;
    }

    private static void putManifest(TarArchiveOutputStream tar, String manifest) throws IOException {
        byte[] bytes = manifest.getBytes(StandardCharsets.UTF_8);
        put(tar, "manifest.json", bytes.length);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }

    private static void put(TarArchiveOutputStream tar, String name, long size) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(size);
        tar.putArchiveEntry(entry);
    }

    private static String sha(String dump) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(dump.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
