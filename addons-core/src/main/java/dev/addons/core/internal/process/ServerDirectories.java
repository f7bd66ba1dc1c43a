package dev.addons.core.internal.process;

import dev.addons.core.internal.ProcessIdentity;
import dev.addons.core.internal.PrivateFiles;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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

    /** The most threads {@link #deleteRecursively} unlinks files with at once. */
    private static final int DELETING_THREADS = 4;
    /** Fewer files than this are deleted by the calling thread alone. */
    private static final int FEW_FILES = 64;

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

    /**
     * Deletes {@code directory} and everything in it; nothing when it is missing. Links inside are
     * removed, never followed. The files of different directories are unlinked at once, by up to
     * {@value #DELETING_THREADS} threads: a file system holds a directory's lock while it unlinks
     * in it, not its neighbours' (a PostgreSQL data directory's 1300 files, 46 MB, in 46-50 ms
     * instead of 90-100 by one thread here; no faster by eight). A file already gone is no
     * failure; the first other one is thrown once all threads are done, the rest suppressed in it.
     */
    static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Map<Path, List<Path>> filesByDirectory = new LinkedHashMap<>();
        List<Path> directories = new ArrayList<>();
        // Without FOLLOW_LINKS a link is visited as a file: removed, its target left alone.
        Files.walkFileTree(directory, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                filesByDirectory.computeIfAbsent(file.getParent(), parent -> new ArrayList<>()).add(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path visited, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                directories.add(visited);
                return FileVisitResult.CONTINUE;
            }
        });
        IOException failure = deleteFiles(new ArrayList<>(filesByDirectory.values()));
        // Post-order: each directory after everything in it. After a file that could not be
        // deleted, the others still are, and the directories that hold none of it.
        for (Path emptied : directories) {
            try {
                Files.deleteIfExists(emptied);
            } catch (DirectoryNotEmptyException e) {
                if (failure == null) {
                    throw e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Deletes the groups' files, a group at a time per thread (in this one when there are few);
     * returns the first failure, or null.
     */
    private static IOException deleteFiles(List<List<Path>> groups) throws IOException {
        if (groups.size() < 2 || groups.stream().mapToInt(List::size).sum() < FEW_FILES) {
            IOException failure = null;
            for (List<Path> group : groups) {
                try {
                    deleteAll(group);
                } catch (IOException e) {
                    failure = firstOf(failure, e);
                }
            }
            return failure;
        }
        ExecutorService threads = Executors.newFixedThreadPool(Math.min(DELETING_THREADS, groups.size()), task -> {
            Thread thread = new Thread(task, "addons-delete");
            thread.setDaemon(true);
            return thread;
        });
        IOException failure = null;
        try {
            List<Future<?>> deletions = new ArrayList<>();
            for (List<Path> group : groups) {
                deletions.add(threads.submit(() -> {
                    deleteAll(group);
                    return null;
                }));
            }
            for (Future<?> deletion : deletions) {
                try {
                    deletion.get();
                } catch (ExecutionException e) {
                    failure = firstOf(failure,
                            e.getCause() instanceof IOException io ? io : new IOException(e.getCause()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while deleting " + groups.get(0).get(0).getParent());
                }
            }
        } finally {
            threads.shutdownNow();
        }
        return failure;
    }

    /** {@code failure} with {@code another} suppressed in it, or {@code another} when it is the first. */
    private static IOException firstOf(IOException failure, IOException another) {
        if (failure == null) {
            return another;
        }
        failure.addSuppressed(another);
        return failure;
    }

    private static void deleteAll(List<Path> files) throws IOException {
        for (Path file : files) {
            Files.deleteIfExists(file);
        }
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
