package dev.addons.api.spi;

import dev.addons.api.Endpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What the process runtime offers a {@link ProcessRecipe} for one server: the resolved binaries,
 * the server's own directories and port, and a way to run a helper command as the same
 * (unprivileged) user the server runs as. Valid only during the call it is passed to.
 */
public interface ProcessContext {

    /** The absolute path of the engine binary {@code name} (e.g. {@code initdb}). */
    Path binary(String name);

    /**
     * Which of the recipe's {@linkplain ProcessRecipe#candidates() candidate} distributions this
     * server runs from: its {@code binaries}, or one of its {@code alternatives}.
     *
     * @throws dev.addons.api.UnsupportedOperationAddonException when this context does not tell
     *         (a test double)
     * @since 0.1
     */
    default BinaryDistribution distribution() {
        throw new dev.addons.api.UnsupportedOperationAddonException("not supported: the process context "
                + getClass().getName() + " does not tell which distribution the server runs from");
    }

    /** The server's data directory: empty before initialization, owned by the engine's user. */
    Path dataDirectory();

    /** A private directory for sockets, pid files and configuration. */
    Path runDirectory();

    /** Where the server must listen: always a loopback address and a free port. */
    Endpoint endpoint();

    /**
     * The loopback endpoint chosen for one of the recipe's {@link ProcessRecipe#extraPorts()}.
     * Throws {@link IllegalArgumentException} for a name the recipe did not declare.
     *
     * @since 0.1
     */
    default Endpoint endpoint(String portName) {
        throw new IllegalArgumentException("no extra port named '" + portName + "'");
    }

    /** Writes {@code content} to a file readable by the server's user only, in the run directory. */
    Path writePrivateFile(String name, String content) throws IOException;

    /**
     * Runs {@code command} to completion as the server's user, with the binaries' libraries
     * found. Throws {@link dev.addons.api.ProvisioningException} with the tail of its output
     * when it exits non-zero.
     */
    void run(List<String> command) throws IOException, InterruptedException;

    /**
     * Runs {@code command} as {@link #run(List)} does, with {@code input} (UTF-8) as its standard
     * input instead of none: for a tool that reads its statements there, such as PostgreSQL's
     * single-user mode. {@code input} may hold secrets: it is written to the command's input only.
     *
     * @throws dev.addons.api.UnsupportedOperationAddonException when this context cannot feed
     *         input (a test double)
     * @since 0.2
     */
    default void run(List<String> command, String input) throws IOException, InterruptedException {
        throw new dev.addons.api.UnsupportedOperationAddonException("not supported: the process context "
                + getClass().getName() + " does not feed standard input to commands (asked to run "
                + (command.isEmpty() ? "nothing" : command.get(0)) + ")");
    }
}
