package dev.addons.core.runtime;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.Endpoint;
import dev.addons.api.UnsupportedOperationAddonException;
import dev.addons.api.spi.ServerDefinition;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A runtime that implements only what it must: what it does not offer is refused with addons' own
 * exception, naming the runtime and what it cannot do, never with a JDK exception.
 */
class ServerRuntimeDefaultsTest {
    private final ServerRuntime minimal = new Minimal();
    private final RunningServer server = new RunningServer("s1", "minimal", new Endpoint("127.0.0.1", 1), Map.of());
    private final InputStream nothing = new ByteArrayInputStream(new byte[0]);

    @Test
    void restartIsRefusedNamingTheRuntime() {
        assertThatThrownBy(() -> minimal.restart(server, null, ProgressListener.NONE))
                .isExactlyInstanceOf(UnsupportedOperationAddonException.class)
                .hasMessage("not supported: the minimal runtime cannot restart servers");
    }

    @Test
    void stopToolsAndDataReplacementsAreRefusedNamingTheRuntimeAndWhat() {
        assertThatThrownBy(() -> minimal.stop(server))
                .isExactlyInstanceOf(UnsupportedOperationAddonException.class)
                .hasMessage("not supported: the minimal runtime cannot stop servers");
        assertThatThrownBy(() -> minimal.exec(server, null, List.of("pg_dump"), Map.of(), nothing,
                new ByteArrayOutputStream()))
                .isExactlyInstanceOf(UnsupportedOperationAddonException.class)
                .hasMessage("not supported: the minimal runtime cannot run engine tools");
        assertThatThrownBy(() -> minimal.replaceDataFile(server, null, "dump.rdb", nothing, ProgressListener.NONE))
                .isExactlyInstanceOf(UnsupportedOperationAddonException.class)
                .hasMessage("not supported: the minimal runtime cannot replace data files");
        assertThatThrownBy(() -> minimal.replaceDataDirectory(server, null, context -> { }, ProgressListener.NONE))
                .isExactlyInstanceOf(UnsupportedOperationAddonException.class)
                .hasMessage("not supported: the minimal runtime cannot replace a server's data directory");
    }

    /** Only the abstract methods. */
    private static final class Minimal implements ServerRuntime {
        @Override
        public String name() {
            return "minimal";
        }

        @Override
        public Availability availability(ServerDefinition definition) {
            throw new AssertionError("not asked");
        }

        @Override
        public RunningServer start(String serverId, ServerDefinition definition, Placement placement,
                ProgressListener progress) {
            throw new AssertionError("not asked");
        }

        @Override
        public boolean isRunning(RunningServer server) {
            return false;
        }

        @Override
        public void destroy(RunningServer server) {
        }

        @Override
        public void close() {
        }
    }
}
