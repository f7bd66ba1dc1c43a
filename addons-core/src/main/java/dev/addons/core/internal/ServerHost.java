package dev.addons.core.internal;

import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.core.runtime.ProgressListener;
import dev.addons.core.runtime.RunningServer;
import dev.addons.core.runtime.ServerRuntime;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where a recorded server runs, as {@link Servers} checks, restarts, stops and destroys it: the
 * one seam those go through, so that no call site asks which kind of server it has. A server of
 * the home's own is acted on by the {@linkplain #of runtime that started it}; a registered
 * external server by {@link ExternalRuntime}, which refuses what addons does not do to a server
 * it does not run. Implementations are thread-safe.
 */
interface ServerHost {
    /** Whether the server runs, as far as can be told now. */
    boolean isRunning(RunningServer server);

    /** Why the running server does not serve, beyond accepting a TCP connection; empty when it does. */
    Optional<String> whyNotServing(RunningServer server);

    /** Whether its data is still there, so that it can be started again on it. */
    boolean hasData(RunningServer server);

    /** The last lines of its engine's log, for a crash record; empty when there are none. */
    String logTail(RunningServer server, int lines);

    /**
     * Starts it again on its data; {@code definition} is asked only when it is started (a
     * provider's definition of a server addons does not run may not exist).
     */
    RunningServer restart(RunningServer server, Supplier<ServerDefinition> definition, ProgressListener progress);

    /** Stops it, keeping its data. */
    void stop(RunningServer server);

    /** Stops it and deletes its data; never data addons does not own. */
    void destroy(RunningServer server);

    /** The runtime that runs the engine's tools next to the server {@code serverId}, for backups and restores. */
    ServerRuntime tools(String serverId);

    /** Whether its record stays when its last tenant leaves: a server addons reaches but did not make. */
    boolean outlivesItsTenants();

    /** How addons was told to treat it when it was registered; null for a server of the home's own. */
    ServerAccess.External options(RunningServer server);

    /** The servers {@code runtime} started: everything is asked of it. */
    static ServerHost of(ServerRuntime runtime) {
        return new ServerHost() {
            @Override
            public boolean isRunning(RunningServer server) {
                return runtime.isRunning(server);
            }

            @Override
            public Optional<String> whyNotServing(RunningServer server) {
                return runtime.whyNotServing(server);
            }

            @Override
            public boolean hasData(RunningServer server) {
                return runtime.hasData(server);
            }

            @Override
            public String logTail(RunningServer server, int lines) {
                return runtime.logTail(server, lines);
            }

            @Override
            public RunningServer restart(RunningServer server, Supplier<ServerDefinition> definition,
                    ProgressListener progress) {
                return runtime.restart(server, definition.get(), progress);
            }

            @Override
            public void stop(RunningServer server) {
                runtime.stop(server);
            }

            @Override
            public void destroy(RunningServer server) {
                runtime.destroy(server);
            }

            @Override
            public ServerRuntime tools(String serverId) {
                return runtime;
            }

            @Override
            public boolean outlivesItsTenants() {
                return false;
            }

            @Override
            public ServerAccess.External options(RunningServer server) {
                return null;
            }
        };
    }
}
