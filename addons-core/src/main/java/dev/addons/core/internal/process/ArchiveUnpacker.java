package dev.addons.core.internal.process;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Unpacks a compressed tar archive (xz or gzip, told apart by their magic bytes), found either
 * as an entry of a jar or as the file itself, into an empty directory. Keeps symbolic links,
 * hard links and permission bits (so executables stay executable) and refuses any entry or
 * link that would reach outside the target directory. Stateless.
 */
final class ArchiveUnpacker {
    private static final byte[] XZ_MAGIC = {(byte) 0xFD, '7', 'z', 'X', 'Z', 0};
    private static final byte[] GZIP_MAGIC = {0x1F, (byte) 0x8B};

    private ArchiveUnpacker() {
    }

    /**
     * Unpacks {@code artifact} into {@code target}, which must exist and be empty.
     *
     * @param entry the jar entry holding the archive, or {@code null} when {@code artifact} is the
     *              archive itself
     */
    static void unpack(Path artifact, String entry, Path target) throws IOException {
        if (entry == null) {
            try (InputStream in = Files.newInputStream(artifact)) {
                untar(decompress(in, artifact.toString()), target);
            }
            return;
        }
        try (ZipFile jar = new ZipFile(artifact.toFile())) {
            ZipEntry zipEntry = jar.getEntry(entry);
            if (zipEntry == null) {
                throw new IOException("no entry '" + entry + "' in " + artifact);
            }
            try (InputStream in = jar.getInputStream(zipEntry)) {
                untar(decompress(in, entry), target);
            }
        }
    }

    private static InputStream decompress(InputStream raw, String name) throws IOException {
        InputStream in = new BufferedInputStream(raw, 64 * 1024);
        in.mark(XZ_MAGIC.length);
        byte[] head = in.readNBytes(XZ_MAGIC.length);
        in.reset();
        if (startsWith(head, XZ_MAGIC)) {
            return new XZInputStream(in);
        }
        if (startsWith(head, GZIP_MAGIC)) {
            return new GZIPInputStream(in, 64 * 1024);
        }
        throw new IOException(name + " is neither an xz nor a gzip compressed tar archive");
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static void untar(InputStream in, Path target) throws IOException {
        Path root = target.toRealPath();
        Map<Path, Integer> directoryModes = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                Path path = inside(root, root.resolve(entry.getName()), entry.getName());
                if (entry.isDirectory()) {
                    createDirectories(root, path);
                    directoryModes.put(path, entry.getMode());
                    continue;
                }
                createDirectories(root, path.getParent());
                if (entry.isSymbolicLink()) {
                    Path link = Path.of(entry.getLinkName());
                    if (link.isAbsolute()) {
                        throw escape(entry.getName() + " -> " + link);
                    }
                    inside(root, path.getParent().resolve(link), entry.getName() + " -> " + link);
                    Files.createSymbolicLink(path, link);
                } else if (entry.isLink()) {
                    Path existing = inside(root, root.resolve(entry.getLinkName()), entry.getLinkName()).toRealPath();
                    inside(root, existing, entry.getName() + " => " + entry.getLinkName());
                    Files.createLink(path, existing);
                } else if (entry.isFile()) {
                    Files.copy(tar, path);
                    Files.setPosixFilePermissions(path, permissions(entry.getMode()));
                }
                // Devices and fifos have no place in a binary distribution: skipped.
            }
        }
        // Last, so that a read-only directory does not stop its own entries from being written.
        for (Map.Entry<Path, Integer> directory : directoryModes.entrySet()) {
            Files.setPosixFilePermissions(directory.getKey(), permissions(directory.getValue()));
        }
    }

    /** {@code path} lexically normalized; refused when it leaves {@code root}. */
    private static Path inside(Path root, Path path, String what) throws IOException {
        Path normalized = path.normalize();
        if (!normalized.startsWith(root)) {
            throw escape(what);
        }
        return normalized;
    }

    /**
     * Creates {@code directory} and checks where it really is: an earlier link may point a
     * lexically harmless path somewhere else.
     */
    private static void createDirectories(Path root, Path directory) throws IOException {
        Files.createDirectories(directory);
        if (!directory.toRealPath().startsWith(root)) {
            throw escape(root.relativize(directory).toString());
        }
    }

    private static IOException escape(String what) {
        return new IOException("archive entry '" + what + "' points outside the directory it is unpacked into");
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << (bits.length - 1 - i))) != 0) {
                permissions.add(bits[i]);
            }
        }
        return permissions;
    }
}
