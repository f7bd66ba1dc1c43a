package dev.addons.core;

import dev.addons.api.ServiceBinding;
import dev.addons.core.internal.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A directory of <a href="https://servicebinding.io/spec/core/1.1.0/#workload-projection">Service
 * Bindings</a> as a workload reads them: one directory per binding, {@code ROOT/<name>/}, holding
 * one file per entry ({@code type}, {@code host}, {@code password}...), each file the entry's
 * value with no trailing newline. Directories it creates are owner-only (0700), files owner-only
 * (0600) and written atomically. Thread-safe for different names; not for one name written from
 * two threads at once.
 *
 * @since 0.1.0
 */
public final class ServiceBindingDirectory {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    private final Path root;

    private ServiceBindingDirectory(Path root) {
        this.root = root;
    }

    /**
     * The binding directory {@code root}, created owner-only when missing. Throws
     * {@link IOException} when it is not a directory or cannot be created or written.
     */
    public static ServiceBindingDirectory open(Path root) throws IOException {
        Objects.requireNonNull(root, "root == null");
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new java.nio.file.NotDirectoryException(root.toString());
        }
        Path dir = PrivateFiles.directory(root);
        // Root may write where permissions say no (and a read-only mount says no to everyone):
        // try for real rather than trust Files.isWritable.
        Files.delete(PrivateFiles.tempFile(dir, ".addons-probe"));
        return new ServiceBindingDirectory(dir);
    }

    /** The directory itself. */
    public Path root() {
        return root;
    }

    /**
     * Writes {@code binding} as {@code ROOT/<name>/}: one owner-only file per entry; files of
     * entries the binding no longer has are removed. Returns the binding's directory.
     *
     * @throws IllegalArgumentException when {@code name} is no plain directory name or the binding is empty
     */
    public Path write(String name, ServiceBinding binding) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("binding name must match " + NAME + ": " + name);
        }
        if (binding.isEmpty()) {
            throw new IllegalArgumentException("binding " + name + " has no entries");
        }
        Path dir = root.resolve(name);
        try {
            PrivateFiles.directory(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            for (var entry : binding.entries().entrySet()) {
                PrivateFiles.write(dir.resolve(entry.getKey()), entry.getValue().getBytes(StandardCharsets.UTF_8));
            }
            for (Path stale : staleEntries(dir, binding)) {
                Files.deleteIfExists(stale);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the service binding " + dir + ": " + e, e);
        }
        return dir;
    }

    private static List<Path> staleEntries(Path dir, ServiceBinding binding) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> NAME.matcher(f.getFileName().toString()).matches())
                    .filter(f -> !binding.entries().containsKey(f.getFileName().toString()))
                    .toList();
        }
    }

    @Override
    public String toString() {
        return "ServiceBindingDirectory[" + root + "]";
    }
}
