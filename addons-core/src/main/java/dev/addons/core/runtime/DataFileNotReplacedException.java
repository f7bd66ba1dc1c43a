package dev.addons.core.runtime;

import dev.addons.api.ProvisioningException;
import java.util.Objects;

/**
 * A server did not get ready on a new data file, so its runtime put the old file back and started
 * the server on it again (see {@link ServerRuntime#replaceDataFile}). The server runs as
 * {@link #server()} says now, which may differ from what the caller had (a new process id, another
 * port): keep that record, or the server cannot be found, checked or destroyed later.
 *
 * @since 0.1.0
 */
public class DataFileNotReplacedException extends ProvisioningException {
    private static final long serialVersionUID = 1L;

    private final transient RunningServer server;

    public DataFileNotReplacedException(String message, RunningServer server, Throwable cause) {
        super(message, cause);
        this.server = Objects.requireNonNull(server, "server == null");
    }

    /** How to find the server, running on its old data file again. */
    public RunningServer server() {
        return server;
    }
}
