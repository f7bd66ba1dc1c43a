package dev.addons.core;

import dev.addons.api.ServiceBinding;
import dev.addons.core.internal.EffectiveUser;
import dev.addons.core.internal.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A directory of <a href="https://servicebinding.io/spec/core/1.1.0/#workload-projection">Service
 * Bindings</a> as a workload reads them: one directory per binding, {@code ROOT/<name>/}, holding
 * one file per entry ({@code type}, {@code host}, {@code password}...), each file the entry's
 * value with no trailing newline. Directories it creates are owner-only (0700), files owner-only
 * (0600) and written atomically.
 *
 * <p>It trusts nothing it finds there: the root and each binding's directory must be real
 * directories (never symbolic links, which are refused), owned by the user this JVM runs as and
 * writable by nobody else; an entry file that is a link is replaced, never followed. Each binding's
 * directory keeps the names of the entries written into it in a hidden file,
 * {@value #WRITTEN}, and a later write removes only those of them the binding no longer has:
 * files someone else put there stay. Binding readers skip hidden files.
 *
 * <p>Thread-safe for different names; not for one name written from two threads at once.
 *
 * @since 0.1.0
 */
public final class ServiceBindingDirectory {
    /** The file of a binding's directory naming the entries written into it, one a line. */
    static final String WRITTEN = ".addons-entries";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    private final Path root;

    private ServiceBindingDirectory(Path root) {
        this.root = root;
    }

    /**
     * The binding directory {@code root}, created owner-only when missing. Throws
     * {@link IOException} when it is not a directory, is a symbolic link, belongs to another user,
     * is writable by its group or others, or cannot be created or written; the message says which
     * and what to do.
     */
    public static ServiceBindingDirectory open(Path root) throws IOException {
        Objects.requireNonNull(root, "root == null");
        Path absolute = root.toAbsolutePath();
        if (Files.isSymbolicLink(absolute)) {
            throw new IOException(absolute + " is a symbolic link (to " + Files.readSymbolicLink(absolute)
                    + "), which is never followed: give the directory it points to, or another one");
        }
        if (Files.exists(absolute, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(absolute, LinkOption.NOFOLLOW_LINKS)) {
            throw new java.nio.file.NotDirectoryException(absolute.toString());
        }
        Path dir = PrivateFiles.directory(absolute);
        requireOwnDirectory(dir);
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
     * entries an earlier write wrote that the binding no longer has are removed, other files are
     * left alone. Returns the binding's directory.
     *
     * @throws IllegalArgumentException when {@code name} is no plain directory name or the binding is empty
     * @throws UncheckedIOException when the binding's directory is a link, is not this user's, or cannot be written
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
            if (Files.isSymbolicLink(dir)) {
                throw new IOException(dir + " is a symbolic link (to " + Files.readSymbolicLink(dir)
                        + "), which is never followed: remove it");
            }
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                // Checked below, without following a link: a directory, this user's, no one else's to write.
            }
            requireOwnDirectory(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            List<String> before = written(dir);
            // The new names first: a crash in between leaves too many names, never a file unaccounted for.
            List<String> names = new ArrayList<>(binding.entries().keySet());
            before.stream().filter(old -> !names.contains(old)).forEach(names::add);
            PrivateFiles.write(dir.resolve(WRITTEN), String.join("\n", names).getBytes(StandardCharsets.UTF_8));
            for (var entry : binding.entries().entrySet()) {
                // A rename over the entry: a link there is replaced, not followed.
                PrivateFiles.write(dir.resolve(entry.getKey()), entry.getValue().getBytes(StandardCharsets.UTF_8));
            }
            for (String stale : before) {
                if (!binding.entries().containsKey(stale)) {
                    Files.deleteIfExists(dir.resolve(stale)); // a link itself, never its target
                }
            }
            PrivateFiles.write(dir.resolve(WRITTEN),
                    String.join("\n", binding.entries().keySet()).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the service binding " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    /** The entries an earlier write wrote into {@code dir}, by the list it kept: only valid names. */
    private static List<String> written(Path dir) throws IOException {
        Path list = dir.resolve(WRITTEN);
        if (!Files.isRegularFile(list, LinkOption.NOFOLLOW_LINKS)) {
            return new ArrayList<>();
        }
        try {
            return new ArrayList<>(Files.readAllLines(list, StandardCharsets.UTF_8).stream()
                    .filter(line -> NAME.matcher(line).matches()).distinct().toList());
        } catch (NoSuchFileException e) {
            return new ArrayList<>();
        }
    }

    /** Refuses {@code dir} unless it is a real directory, this user's, that its group and others cannot write. */
    private static void requireOwnDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new java.nio.file.NotDirectoryException(dir.toString());
        }
        int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        long self = EffectiveUser.uid();
        if (owner != self) {
            throw new IOException(dir + " belongs to " + ownerName(dir) + " (uid " + owner + "), not to uid " + self
                    + " that addons runs as: choose a directory of your own");
        }
        if ((mode & 022) != 0) {
            throw new IOException(dir + " (mode " + String.format("%04o", mode & 07777) + ") is writable by "
                    + ((mode & 022) == 022 ? "its group and others" : (mode & 020) != 0 ? "its group" : "others") + ": make it yours alone (chmod go-w " + dir
                    + ") or choose another directory");
        }
    }

    private static String ownerName(Path dir) {
        try {
            return Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
        } catch (IOException e) {
            return "another user";
        }
    }

    @Override
    public String toString() {
        return "ServiceBindingDirectory[" + root + "]";
    }
}
