package dev.addons.core.internal;

import dev.addons.api.UnsupportedOperationAddonException;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.core.runtime.ProgressListener;
import dev.addons.core.runtime.RunningServer;
import dev.addons.core.runtime.ServerRuntime;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where a registered external server ({@link ExternalServers}) runs: somewhere addons only
 * reaches. It is taken to run and serve (only its operator decides; whether it accepts
 * connections is still checked by its caller), is never restarted, stopped or deleted (those
 * are refused, naming the server and where to do it), runs no engine tools next to it (so no
 * backups), and its record outlives its last tenant. Stateless; thread-safe.
 */
final class ExternalRuntime implements ServerHost {
    /** The runtime name of external servers' records and of the addons on them. */
    static final String NAME = ExternalServers.RUNTIME;

    @Override
    public boolean isRunning(RunningServer server) {
        return true; // Not watched: it runs or not as its operator decides.
    }

    @Override
    public Optional<String> whyNotServing(RunningServer server) {
        return Optional.empty(); // No runtime's: only whether it accepts connections tells.
    }

    @Override
    public boolean hasData(RunningServer server) {
        return true;
    }

    @Override
    public String logTail(RunningServer server, int lines) {
        return "";
    }

    @Override
    public RunningServer restart(RunningServer server, Supplier<ServerDefinition> definition,
            ProgressListener progress) {
        throw new UnsupportedOperationAddonException("not supported: " + server.serverId()
                + " is an external server, which addons does not run; restart it where it runs");
    }

    @Override
    public void stop(RunningServer server) {
        throw new UnsupportedOperationAddonException("not supported: " + server.serverId()
                + " is an external server, which addons does not run; stop it where it runs");
    }

    @Override
    public void destroy(RunningServer server) {
        throw new IllegalStateException(server.serverId() + " is an external server: addons never stops it");
    }

    @Override
    public ServerRuntime tools(String serverId) {
        // The tools run next to the server, by its runtime; no runtime runs an external one.
        throw new UnsupportedOperationAddonException("not supported: backups and restores of addons on the"
                + " external server " + serverId + ": addons runs the engine's tools next to the servers it"
                + " runs; back up with the external server's own means");
    }

    @Override
    public boolean outlivesItsTenants() {
        return true;
    }

    @Override
    public ServerAccess.External options(RunningServer server) {
        return ExternalServers.options(server);
    }
}
