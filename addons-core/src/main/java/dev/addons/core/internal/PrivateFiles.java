package dev.addons.core.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Owner-only directories and files, written atomically: a reader sees the old content or the new,
 * never a torn mix, and a crash leaves at worst a stray temporary file. Temporary files are named
 * {@code ....pid<PID>....tmp} after the process writing them, so that {@link #removeAbandoned}
 * can delete those of processes that died without touching a live writer's.
 */
public final class PrivateFiles {
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Pattern TEMPORARY = Pattern.compile(".*\\.pid(\\d+)\\..*\\.tmp");

    private PrivateFiles() {
    }

    /** Creates {@code dir} and missing parents; the directories it creates are owner-only. */
    public static Path directory(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return absolute;
        }
        Path parent = absolute.getParent();
        if (parent != null) {
            directory(parent);
        }
        try {
            Files.createDirectory(absolute, attribute(DIR));
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(absolute)) {
                throw e;
            }
        }
        return absolute;
    }

    /**
     * Replaces {@code target}'s content with {@code bytes}, atomically, owner-only, synced: the
     * bytes go to a temporary file that is forced to disk, renamed over the target, and the
     * directory is forced too, so that after a crash (of the JVM or of the machine) the target
     * holds the old content or the new one, whole.
     */
    public static void write(Path target, byte[] bytes) throws IOException {
        replace(target, bytes);
        syncDirectory(target.toAbsolutePath().getParent());
    }

    /**
     * {@link #write} but for the directory's sync: the caller forces the directory before it
     * relies on the new content surviving a crash ({@link DirectorySyncs}).
     */
    static void replace(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".pid" + ProcessHandle.current().pid() + "."
                + Thread.currentThread().getId() + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                attribute(FILE))) {
            var buffer = java.nio.ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        CrashPoints.reach("file.beforeRename");
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** Forces a directory's entries (a rename into it) to disk. */
    static void syncDirectory(Path directory) throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    /**
     * Deletes the temporary files under {@code root} (to {@code depth} levels) that processes
     * which are no longer running left behind, e.g. when killed in the middle of a write. Returns
     * the files deleted.
     */
    public static List<Path> removeAbandoned(Path root, int depth) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<Path> removed = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root, depth)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Matcher name = TEMPORARY.matcher(file.getFileName().toString());
                if (name.matches() && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                        && !isRunning(Long.parseLong(name.group(1))) && Files.deleteIfExists(file)) {
                    removed.add(file);
                }
            }
        }
        return removed;
    }

    private static boolean isRunning(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** A new empty file only its owner reads and writes, named {@code prefix...tmp} in {@code directory}. */
    public static Path tempFile(Path directory, String prefix) throws IOException {
        directory(directory);
        return Files.createTempFile(directory, prefix + ".pid" + ProcessHandle.current().pid() + ".", ".tmp",
                attribute(FILE));
    }

    /** Opens (creating owner-only if needed) a file used only for locking. */
    public static FileChannel lockFile(Path path) throws IOException {
        return FileChannel.open(path, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), attribute(FILE));
    }

    private static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> permissions) {
        return PosixFilePermissions.asFileAttribute(permissions);
    }
}
