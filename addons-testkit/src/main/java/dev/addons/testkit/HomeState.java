package dev.addons.testkit;

import dev.addons.api.spi.ServerAccess;
import dev.addons.core.internal.ServerState;
import dev.addons.core.internal.StateStore;
import java.nio.file.Path;

/**
 * What an addons home's state store records, for engine tests that go below the facade (an admin
 * connection to a server the facade started). Engine modules reach addons-core's internals only
 * through the testkit.
 */
public final class HomeState {

    private HomeState() {
    }

    /**
     * The admin's access to the first running shared server recorded in {@code home}; fails when
     * none runs.
     */
    public static ServerAccess runningSharedServerAccess(Path home) {
        ServerState server = new StateStore(home).servers().stream()
                .filter(s -> s.shared() && s.running() != null).findFirst()
                .orElseThrow(() -> new AssertionError("no running shared server is recorded in " + home));
        return new ServerAccess(server.serverId(), server.running().endpoint(), server.adminUser(),
                server.adminPassword());
    }
}
