package dev.addons.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.junit.SharedServer.Keeper;
import dev.addons.testkit.ServerProcesses;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test run is busy until it ends, and the extension tells the process runtime so: the servers it
 * starts are no children of the test JVM (whose exit would wait on their reaper threads), and the
 * spare copy of a data template is made after the run rather than while its tests run.
 */
class ShortLivedTest {
    /** The home the case runs in, which it cannot be given otherwise. */
    private static volatile Path home;

    @Test
    void theRunsServersAreNoChildrenOfTheTestJvm(@TempDir Path runHome) {
        home = runHome;
        Keeper.assertPassed(Keeper.engine(Map.of(RunState.HOME_PARAMETER, runHome.toString()), Case.class), 1);
    }

    @WithAddons(runtime = "process", value = @WithAddon(name = "valkey", version = "7"))
    static class Case {
        @Test
        void itsServerIsNoChild() throws IOException {
            List<Long> servers = ServerProcesses.under(home);

            assertThat(servers).as("server processes of " + home).hasSize(1);
            assertThat(ProcessHandle.current().descendants().map(ProcessHandle::pid)).doesNotContainAnyElementsOf(servers);
        }
    }
}
