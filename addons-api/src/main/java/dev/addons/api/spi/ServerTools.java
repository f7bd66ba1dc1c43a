package dev.addons.api.spi;

import dev.addons.api.Endpoint;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a provider's {@link BackupCapability#backup backup} and {@link BackupCapability#restore restore}
 * may use beyond a client connection to the server: the engine's own tools, run next to the
 * server by its runtime (from the server's binaries on this host, or inside its container), and
 * the replacement of a file in the server's data directory. Given by addons for one call; not to
 * be kept.
 */
public interface ServerTools {

    /**
     * Where tools started by {@link #run} reach the server: its loopback endpoint on this host,
     * or the engine's own port inside its container.
     */
    Endpoint endpoint();

    /**
     * Runs one of the engine's tools (e.g. {@code pg_dump}) next to the server and waits for it:
     * {@code command.get(0)} is looked up in the server's binaries (the process runtime) or on
     * the container's {@code PATH} (the container runtime). {@code stdin} is fed to it, its
     * standard output is copied to {@code stdout}; neither is closed. Values in
     * {@code environment} (e.g. a password) are never logged or put in messages.
     *
     * @throws dev.addons.api.UnsupportedOperationAddonException when the tool is not there
     * @throws dev.addons.api.ProvisioningException when it exits with a status other than 0;
     *         the message holds the status and the end of its standard error
     */
    void run(List<String> command, Map<String, String> environment, InputStream stdin, OutputStream stdout);

    /**
     * Stops the server, replaces the file at {@code relativePath} in its data directory with
     * {@code content}, starts it again and waits until it is ready. When the server does not get
     * ready on the new file, the old one is put back and the server started on it again before
     * this throws {@link dev.addons.api.ProvisioningException}: the data is never left half
     * replaced. The server may be reachable on another port afterwards; addons updates its
     * variables.
     *
     * @param relativePath a path inside the data directory, e.g. {@code dump.rdb}; no {@code ..}
     */
    void replaceDataFile(String relativePath, InputStream content);

    /**
     * The server's data directory on this host, whose files a provider may read while the server
     * runs (a physical backup under the engine's own online-backup protocol); empty where the
     * runtime keeps the data elsewhere (a container's volume). Never to be written to: see
     * {@link #replaceDataDirectory}.
     *
     * @since 0.2
     */
    default Optional<Path> dataDirectory() {
        return Optional.empty();
    }

    /**
     * Stops the server, moves its data directory aside, has {@code writer} fill a new, empty one
     * ({@link ProcessContext#dataDirectory()}; files the JVM writes there are the engine's, and
     * {@link ProcessContext#run} runs the engine's binaries on it as the server's user, e.g. a
     * recovery in single-user mode), then starts the server on it and waits until it is ready;
     * only then is the old directory deleted. When {@code writer} fails or the server does not
     * get ready, the new directory is deleted, the old one put back and the server started on it
     * before this throws {@link dev.addons.api.ProvisioningException}: the data is never left
     * half replaced. The server may be reachable on another port afterwards; addons updates its
     * variables.
     *
     * @throws dev.addons.api.UnsupportedOperationAddonException where the runtime cannot (only
     *         the process runtime can)
     * @since 0.2
     */
    default void replaceDataDirectory(ProcessRecipe.Initializer writer) {
        throw new dev.addons.api.UnsupportedOperationAddonException(
                "not supported: this server's runtime cannot replace its data directory");
    }
}
