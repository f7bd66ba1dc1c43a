package dev.addons.core.runtime;

import dev.addons.api.spi.ServerDefinition;

/**
 * Where addons' servers run: engine binaries on this host ({@code process}), containers
 * ({@code container}), a cluster... A runtime turns a provider's {@link ServerDefinition} into a
 * running, ready server and removes it again; it knows nothing of apps, tenants or credentials.
 *
 * <p>Servers outlive the JVM that started them: everything needed to find one again is in the
 * {@link RunningServer} returned by {@link #start}, which addons persists. Implementations are
 * thread-safe; starts of different servers may run concurrently.
 */
public interface ServerRuntime extends AutoCloseable {

    /** The runtime's name, e.g. {@code process}. */
    String name();

    /**
     * Whether this runtime can run {@code definition}'s server now, and how (installed binaries,
     * a cached or downloadable distribution, a local or pullable image). Does no download.
     */
    Availability availability(ServerDefinition definition);

    /**
     * Starts a new server with an empty data directory, waits until its readiness check passes,
     * and returns how to find it again. On any failure it removes whatever it made (process,
     * files) and throws {@link dev.addons.api.ProvisioningException}, or
     * {@link dev.addons.api.InvalidSpecException} when the definition cannot run here (e.g. a
     * custom image on the process runtime).
     *
     * @param serverId unique within the addons home; matches {@code [a-z0-9][a-z0-9.-]{0,100}}
     * @param progress told about downloads and steps; never told a secret
     */
    RunningServer start(String serverId, ServerDefinition definition, ProgressListener progress);

    /** Whether the server is running now (a dead process, a removed container: not). */
    boolean isRunning(RunningServer server);

    /**
     * Stops the server and deletes its data. Idempotent: a server already gone is no error.
     * Throws {@link dev.addons.api.ProvisioningException} when it cannot stop or delete.
     */
    void destroy(RunningServer server);

    /** Releases this runtime's client resources. Running servers keep running. */
    @Override
    void close();
}
