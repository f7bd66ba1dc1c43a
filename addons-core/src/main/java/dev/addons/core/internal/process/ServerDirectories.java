package dev.addons.core.internal.process;

import dev.addons.core.internal.ProcessIdentity;
import dev.addons.core.internal.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The files of one server under the process runtime's home: {@code servers/<serverId>/} holding
 * {@code data/} (the engine's data), {@code run/} (sockets and private files) and
 * {@code server.log} (everything the engine and its helper commands print). Directories are
 * created {@code 0700} and private files {@code 0600} from the start, so no other user ever sees
 * them. Immutable; the files themselves belong to one start or destroy at a time.
 */
final class ServerDirectories {
    static final FileAttribute<Set<PosixFilePermission>> PRIVATE_DIRECTORY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final Path root;

    ServerDirectories(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The directories of {@code serverId} under {@code home}. */
    static ServerDirectories of(Path home, String serverId) {
        return new ServerDirectories(home.resolve("servers").resolve(serverId));
    }

    Path root() {
        return root;
    }

    Path data() {
        return root.resolve("data");
    }

    Path run() {
        return root.resolve("run");
    }

    Path log() {
        return root.resolve("server.log");
    }

    /**
     * Creates the server's directories and an empty log. Refuses a directory that exists
     * already, as it may hold another server's data.
     */
    ServerDirectories create() throws IOException {
        PrivateFiles.directory(root.getParent());
        try {
            Files.createDirectory(root, PRIVATE_DIRECTORY);
        } catch (FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(root.toString(), null,
                    "a server directory exists already; destroy that server first");
        }
        Files.createDirectory(data(), PRIVATE_DIRECTORY);
        Files.createDirectory(run(), PRIVATE_DIRECTORY);
        Files.createFile(log(), PRIVATE_FILE);
        return this;
    }

    /** Writes {@code content} to {@code run/<name>}, readable by its owner only from creation on. */
    Path writePrivateFile(String name, String content) throws IOException {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("not a plain file name: '" + name + "'");
        }
        Path file = run().resolve(name);
        Files.deleteIfExists(file);
        try (SeekableByteChannel channel = Files.newByteChannel(file,
                EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), PRIVATE_FILE)) {
            ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }
        return file;
    }

    /**
     * The pid and start time of the process working in this directory (the engine, or an
     * initializer's command while it runs), so that a server no record names can still be stopped.
     */
    Path engineFile() {
        return root.resolve("engine.pid");
    }

    /**
     * Records a started process's pid, start time (epoch milliseconds) and, where {@code /proc}
     * has them, its start in clock ticks and the boot id (see {@link ProcessIdentity}) in
     * {@link #engineFile()}.
     */
    void recordEngine(long pid, long startMillis) throws IOException {
        Path temp = root.resolve(".engine.pid.tmp");
        Files.deleteIfExists(temp);
        String identity = ProcessIdentity.of(pid).map(id -> " " + id.startTicks() + " " + id.bootId()).orElse("");
        Files.writeString(temp, pid + " " + startMillis + identity + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        Files.move(temp, engineFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The engine recorded by {@link #recordEngine}, or empty. */
    java.util.Optional<EngineProcess> recordedEngine() {
        try {
            String[] parts = Files.readString(engineFile(), StandardCharsets.UTF_8).trim().split(" ");
            long pid = Long.parseLong(parts[0]);
            ProcessIdentity identity = parts.length >= 4
                    ? new ProcessIdentity(pid, Long.parseLong(parts[2]), parts[3]) : null;
            return java.util.Optional.of(new EngineProcess(pid, Long.parseLong(parts[1]), identity));
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /** Deletes the server's directory and everything in it; a missing directory is fine. */
    void delete() throws IOException {
        deleteRecursively(root);
    }

    static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        // Files.walk does not follow links, so a link inside is removed, never its target.
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
