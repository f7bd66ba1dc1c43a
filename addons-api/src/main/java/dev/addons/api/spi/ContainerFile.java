package dev.addons.api.spi;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A file a runtime writes into a server's container before the server starts, owned by root
 * with {@code mode}: the way to hand a server a secret (a configuration file holding its
 * password) that neither its command line nor its environment may show. Immutable;
 * {@link #toString()}, {@link #equals} and {@link #hashCode} never show the content.
 *
 * <p>The file's directory must exist in the image, or be the recipe's data path. A file in the
 * data path is written into the data volume on every start, replacing the one there; images
 * whose entrypoint gives their data directory to the server's user (as the official Valkey,
 * PostgreSQL and MySQL images do) give it that file too.
 *
 * @param path    the absolute path in the container, normalized (no {@code .}, {@code ..} or
 *                empty segments), not a directory
 * @param content the file's bytes (copied)
 * @param mode    its permission bits, {@code 0} to {@code 0777}, e.g. {@code 0600}
 * @since 0.2
 */
public record ContainerFile(String path, byte[] content, int mode) {

    public ContainerFile {
        Objects.requireNonNull(path, "path == null");
        Objects.requireNonNull(content, "content == null");
        if (!path.startsWith("/") || path.endsWith("/") || path.contains("//") || path.contains("/./")
                || path.contains("/../") || path.endsWith("/.") || path.endsWith("/..")) {
            throw new IllegalArgumentException("path is not an absolute, normalized file path: " + path);
        }
        if (mode < 0 || mode > 0777) {
            throw new IllegalArgumentException("mode out of range: 0" + Integer.toOctalString(mode)
                    + " (allowed: 0 to 0777)");
        }
        content = content.clone();
    }

    /** A text file, written as UTF-8. */
    public static ContainerFile text(String path, String text, int mode) {
        return new ContainerFile(path, text.getBytes(StandardCharsets.UTF_8), mode);
    }

    /** A copy of the content. */
    @Override
    public byte[] content() {
        return content.clone();
    }

    /** The directory that holds the file, e.g. {@code /data}; {@code /} for a file at the root. */
    public String directory() {
        int slash = path.lastIndexOf('/');
        return slash == 0 ? "/" : path.substring(0, slash);
    }

    /** The file's name in its directory. */
    public String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ContainerFile file && path.equals(file.path) && mode == file.mode
                && Arrays.equals(content, file.content);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, mode, Arrays.hashCode(content));
    }

    @Override
    public String toString() {
        return "ContainerFile[path=" + path + ", mode=0" + Integer.toOctalString(mode) + ", " + content.length
                + " bytes]";
    }
}
