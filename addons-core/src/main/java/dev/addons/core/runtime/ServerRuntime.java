package dev.addons.core.runtime;

import dev.addons.api.Endpoint;
import dev.addons.api.UnsupportedOperationAddonException;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.api.spi.ServerRequest;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where addons' servers run: engine binaries on this host ({@code process}), containers
 * ({@code container}), a cluster... A runtime turns a provider's {@link ServerDefinition} into a
 * running, ready server and removes it again. It knows nothing of tenants or credentials; it is
 * told whom a server belongs to ({@link Placement}) so that it can label and separate servers.
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
     * The version a new addon declared without one gets on this runtime. By default the
     * provider's {@linkplain dev.addons.api.spi.ProviderDescriptor#defaultVersion(String) default}
     * for this runtime's name, which a runtime that runs
     * the engines' images can serve. A runtime that serves only some versions (the process
     * runtime: what this host has or can fetch) gives {@link #newestRunnable} instead. Never
     * null; when this runtime cannot run it, a create is refused as for any such version.
     *
     * @since 0.1.0
     */
    default String defaultVersion(AddonProvider provider) {
        return provider.descriptor().defaultVersion(name());
    }

    /**
     * The newest of {@code provider}'s versions that {@code runtime} can run now (installed,
     * cached or downloadable), comparing versions number by number ({@code 1.10} after
     * {@code 1.9}); empty when it can run none. Downloads nothing.
     *
     * @since 0.1.0
     */
    static Optional<String> newestRunnable(AddonProvider provider, ServerRuntime runtime) {
        return provider.descriptor().versions().stream()
                .filter(v -> runtime.availability(
                        provider.server(ServerRequest.builder(v).adminPassword("unused").build())).canRun())
                .max(ServerRuntime::compareVersions);
    }

    private static int compareVersions(String a, String b) {
        String[] left = a.split("\\.");
        String[] right = b.split("\\.");
        for (int i = 0; i < Math.max(left.length, right.length); i++) {
            String l = i < left.length ? left[i] : "0";
            String r = i < right.length ? right[i] : "0";
            int order = l.matches("[0-9]{1,9}") && r.matches("[0-9]{1,9}")
                    ? Integer.compare(Integer.parseInt(l), Integer.parseInt(r)) : l.compareTo(r);
            if (order != 0) {
                return order;
            }
        }
        return 0;
    }

    /**
     * Starts a new server with an empty data directory, waits until its readiness check passes,
     * and returns how to find it again. On any failure it removes whatever it made (process,
     * files, container, volume) and throws {@link dev.addons.api.ProvisioningException}, or
     * {@link dev.addons.api.InvalidSpecException} when the definition cannot run here (e.g. a
     * custom image on the process runtime).
     *
     * @param serverId  unique within the addons home; matches {@code [a-z0-9][a-z0-9.-]{0,100}}
     * @param placement whom the server belongs to (labels and network separation where the
     *                  runtime has them)
     * @param progress  told about downloads and steps; never told a secret
     */
    RunningServer start(String serverId, ServerDefinition definition, Placement placement, ProgressListener progress);

    /**
     * Makes present, before anything is recorded, what a start of {@code definition} needs and
     * this runtime can fetch (a container runtime pulls a custom image): throws
     * {@link dev.addons.api.InvalidSpecException} when it does not exist (a tag no registry has),
     * {@link dev.addons.api.ProvisioningException} when it cannot be had now. Nothing by default.
     *
     * @param subject  for progress: whose server it is, e.g. {@code postgresql (myapp/production)}
     * @since 0.1.0
     */
    default void obtain(ServerDefinition definition, String subject, ProgressListener progress) {
    }

    /** {@link #start(String, ServerDefinition, Placement, ProgressListener)} for a server of no app. */
    default RunningServer start(String serverId, ServerDefinition definition, ProgressListener progress) {
        return start(serverId, definition, Placement.shared(definition.engine()), progress);
    }

    /**
     * Replaces a server with a new one on the same data, and waits until it is ready: the process
     * runtime stops the engine (if it runs) and launches it again on its directory; the container
     * runtime removes the container and creates a new one from the image, on the same volume and
     * network. The new server listens on the same port where that port is still free. Throws
     * {@link dev.addons.api.ProvisioningException} when it cannot; the data is kept either way.
     *
     * <p>This is also how a server that was {@linkplain #stop stopped}, or that died, is started
     * again on its data.
     *
     * @param definition the server's definition, as at its start (same admin password)
     * @return how to find the new server; its endpoint may differ from the old one's
     * @throws UnsupportedOperationAddonException when this runtime cannot restart servers
     * @since 0.1.0
     */
    default RunningServer restart(RunningServer server, ServerDefinition definition, ProgressListener progress) {
        throw new UnsupportedOperationAddonException("not supported: the " + name() + " runtime cannot restart servers");
    }

    /**
     * Stops the server cleanly and keeps its data (directory, volume) and what {@link #restart}
     * needs to start it again on the same port. Idempotent: a server that does not run is no
     * error. Throws {@link dev.addons.api.ProvisioningException} when it cannot stop it.
     *
     * @throws UnsupportedOperationAddonException when this runtime cannot stop servers
     * @since 0.1.0
     */
    default void stop(RunningServer server) {
        throw new UnsupportedOperationAddonException("not supported: the " + name() + " runtime cannot stop servers");
    }

    /**
     * Whether the server's data is still there (its data directory, its volume), so that
     * {@link #restart} can bring it back with it; false only when it is known to be gone.
     *
     * @since 0.1.0
     */
    default boolean hasData(RunningServer server) {
        return true;
    }

    /**
     * The last {@code lines} lines the server's engine wrote to its log, to say why it died;
     * empty when this runtime keeps no log. Never holds a secret the runtime passed to the engine.
     *
     * @since 0.1.0
     */
    default String logTail(RunningServer server, int lines) {
        return "";
    }

    /**
     * Where tools run by {@link #exec} reach the server: its endpoint on this host for local
     * processes, the engine's port inside the container for containers.
     *
     * @since 0.1.0
     */
    default Endpoint toolEndpoint(RunningServer server, ServerDefinition definition) {
        return server.endpoint();
    }

    /**
     * Runs one of the engine's tools next to the server (see
     * {@link dev.addons.api.spi.ServerTools#run}) and waits for it.
     *
     * @throws dev.addons.api.UnsupportedOperationAddonException when the tool is not there, or
     *         this runtime runs no tools
     * @throws dev.addons.api.ProvisioningException when it fails; never holding an
     *         {@code environment} value
     * @since 0.1.0
     */
    default void exec(RunningServer server, ServerDefinition definition, List<String> command,
            Map<String, String> environment, InputStream stdin, OutputStream stdout) {
        throw new UnsupportedOperationAddonException("not supported: the " + name() + " runtime cannot run engine tools");
    }

    /**
     * Stops the server, replaces one file of its data with {@code content}, and starts it again
     * as {@link #restart} does (see {@link dev.addons.api.spi.ServerTools#replaceDataFile}). When
     * the server does not get ready on the new file, the old file is put back and the server
     * started on it before this throws {@link DataFileNotReplacedException}, which says how to
     * find the server now (a process runtime's new process, the ports it got).
     *
     * @return how to find the server now
     * @throws DataFileNotReplacedException when the old file is back and the server runs on it
     * @throws dev.addons.api.ProvisioningException when it fails otherwise
     * @since 0.1.0
     */
    default RunningServer replaceDataFile(RunningServer server, ServerDefinition definition, String relativePath,
            InputStream content, ProgressListener progress) {
        throw new UnsupportedOperationAddonException("not supported: the " + name()
                + " runtime cannot replace data files");
    }

    /**
     * The server's data directory on this host (see {@link dev.addons.api.spi.ServerTools#dataDirectory()}),
     * or empty where this runtime keeps data elsewhere.
     *
     * @since 0.2
     */
    default java.util.Optional<java.nio.file.Path> dataDirectory(RunningServer server) {
        return java.util.Optional.empty();
    }

    /**
     * Stops the server, moves its data directory aside, has {@code writer} fill a new one, and
     * starts the server on it as {@link #restart} does (see
     * {@link dev.addons.api.spi.ServerTools#replaceDataDirectory}). When {@code writer} fails or
     * the server does not get ready, the old directory is put back and the server started on it
     * before this throws {@link DataFileNotReplacedException}, which says how to find the server now.
     *
     * @return how to find the server now
     * @throws DataFileNotReplacedException when the old data is back and the server runs on it
     * @throws dev.addons.api.ProvisioningException when it fails otherwise
     * @throws UnsupportedOperationAddonException when this runtime cannot
     * @since 0.2
     */
    default RunningServer replaceDataDirectory(RunningServer server, ServerDefinition definition,
            dev.addons.api.spi.ProcessRecipe.Initializer writer, ProgressListener progress) {
        throw new UnsupportedOperationAddonException("not supported: the " + name()
                + " runtime cannot replace a server's data directory");
    }

    /**
     * Removes what this runtime holds for servers of its addons home that {@code isKnown} rejects:
     * servers left by a process that died while starting one, or whose record was lost. Asks
     * {@code isKnown} only after it has listed what it holds, so that a server whose record is
     * written before it is made (as addons does) is never taken for a stray. Returns the ids of
     * the servers removed.
     *
     * @since 0.1.0
     */
    default List<String> removeStrays(java.util.function.Predicate<String> isKnown) {
        return List.of();
    }

    /**
     * Why a server that {@link #isRunning} cannot serve now, e.g. its process is stopped
     * (SIGSTOP): the kernel still accepts connections, but nothing answers. Empty when nothing
     * the runtime can see is wrong.
     *
     * @since 0.1.0
     */
    default java.util.Optional<String> whyNotServing(RunningServer server) {
        return java.util.Optional.empty();
    }

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
