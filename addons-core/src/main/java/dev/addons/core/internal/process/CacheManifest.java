package dev.addons.core.internal.process;

import dev.addons.core.internal.PrivateFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What an unpacked distribution in the binary cache holds, recorded when it was unpacked from its
 * verified archive: every directory, every link with its target, every file with its mode and
 * SHA-256. Kept beside the distribution as {@code <name>.manifest}, one entry a line. A start
 * compares the distribution with it before running anything from it, so a binary changed (or a
 * library added) after the download's checksum was verified is refused rather than run.
 *
 * <p>Hashing a PostgreSQL distribution (60 MB) on every start would cost 100 to 800 ms, so each
 * file's entry also keeps its stat fingerprint: device, inode, size, modification and change
 * times. Any write to a file, a rename over it or a {@code touch} back to its old modification
 * time gives it a new change time, which only root can set back (by setting the clock); a file
 * whose fingerprint is unchanged is taken to hold what was hashed, and any other file is hashed
 * again. Immutable and thread-safe.
 */
final class CacheManifest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String NO_FINGERPRINT = "-";

    /** Relative path to its entry. */
    private final Map<String, Entry> entries;

    /**
     * One path: {@code dir}, {@code link <target>} or {@code file <mode> sha256:<hex>}, and for a
     * file its stat fingerprint.
     */
    private record Entry(String description, String fingerprint) {
    }

    private CacheManifest(Map<String, Entry> entries) {
        this.entries = entries;
    }

    /** The manifest file of the distribution unpacked in {@code install}. */
    static Path fileOf(Path install) {
        return install.resolveSibling(install.getFileName() + ".manifest");
    }

    /** What {@code install} holds now, every file hashed, never following a link. */
    static CacheManifest of(Path install) throws IOException {
        return scan(install, Map.of());
    }

    /** The manifest recorded for {@code install}, if there is one. */
    static Optional<CacheManifest> recorded(Path install) throws IOException {
        Map<String, Entry> entries = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(fileOf(install), StandardCharsets.UTF_8)) {
                String[] fields = line.split("\t", 3);
                if (fields.length == 3) {
                    entries.put(fields[2], new Entry(fields[0], fields[1]));
                }
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.of(new CacheManifest(entries));
    }

    /** Records this manifest for {@code install}, owner-only, atomically. */
    void write(Path install) throws IOException {
        StringBuilder text = new StringBuilder();
        entries.forEach((name, entry) -> text.append(entry.description()).append('\t').append(entry.fingerprint())
                .append('\t').append(name).append('\n'));
        PrivateFiles.write(fileOf(install), text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** What {@code install} holds now compared with this manifest. */
    record Check(CacheManifest now, Optional<String> difference, boolean fingerprintsChanged) {
    }

    /**
     * Compares {@code install} with this manifest, hashing only the files whose fingerprint
     * changed; the difference names the first path that differs.
     */
    Check check(Path install) throws IOException {
        CacheManifest now = scan(install, entries);
        Optional<String> difference = Optional.empty();
        for (Map.Entry<String, Entry> expected : entries.entrySet()) {
            Entry actual = now.entries.get(expected.getKey());
            if (actual == null) {
                difference = Optional.of(expected.getKey() + " is missing");
                break;
            }
            if (!actual.description().equals(expected.getValue().description())) {
                difference = Optional.of(expected.getKey() + " changed: it is now " + actual.description()
                        + ", it was " + expected.getValue().description() + " when unpacked");
                break;
            }
        }
        if (difference.isEmpty()) {
            difference = now.entries.keySet().stream().filter(name -> !entries.containsKey(name)).findFirst()
                    .map(name -> name + " was added after unpacking");
        }
        boolean changed = now.entries.entrySet().stream().anyMatch(e -> entries.containsKey(e.getKey())
                && !entries.get(e.getKey()).fingerprint().equals(e.getValue().fingerprint()));
        return new Check(now, difference, changed);
    }

    /** What {@code install} holds; a file whose fingerprint is as in {@code known} keeps its known description. */
    private static CacheManifest scan(Path install, Map<String, Entry> known) throws IOException {
        Map<String, Entry> entries = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(install)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                if (path.equals(install)) {
                    continue;
                }
                String name = install.relativize(path).toString();
                if (name.indexOf('\n') >= 0 || name.indexOf('\t') >= 0) {
                    throw new IOException("unusual file name in " + install + ": " + name.replaceAll("[\t\n]", "?"));
                }
                entries.put(name, describe(path, known.get(name)));
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return new CacheManifest(entries);
    }

    /**
     * One path's entry. Directories' modes are left out: the engine user is given their others'
     * execute bit after unpacking.
     */
    private static Entry describe(Path path, Entry known) throws IOException {
        // One stat for everything.
        Map<String, Object> stat = Files.readAttributes(path,
                "unix:isSymbolicLink,isDirectory,isRegularFile,dev,ino,size,mode,lastModifiedTime,ctime",
                LinkOption.NOFOLLOW_LINKS);
        if ((Boolean) stat.get("isSymbolicLink")) {
            return new Entry("link " + Files.readSymbolicLink(path), NO_FINGERPRINT);
        }
        if ((Boolean) stat.get("isDirectory")) {
            return new Entry("dir", NO_FINGERPRINT);
        }
        if (!(Boolean) stat.get("isRegularFile")) {
            return new Entry("special", NO_FINGERPRINT);
        }
        String fingerprint = stat.get("dev") + ":" + stat.get("ino") + ":" + stat.get("size") + ":"
                + nanos(stat.get("lastModifiedTime")) + ":" + nanos(stat.get("ctime"));
        String mode = String.format("%04o", (Integer) stat.get("mode") & 07777);
        if (known != null && known.fingerprint().equals(fingerprint) && known.description().startsWith("file " + mode + " ")) {
            return known;
        }
        return new Entry("file " + mode + " sha256:" + sha256(path), fingerprint);
    }

    private static long nanos(Object time) {
        return ((FileTime) time).to(TimeUnit.NANOSECONDS);
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HEX.formatHex(digest.digest());
    }
}
