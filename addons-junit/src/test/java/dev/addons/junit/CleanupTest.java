package dev.addons.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.addons.core.Addons;
import dev.addons.junit.SharedServer.Keeper;
import dev.addons.testkit.ServerProcesses;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * A failing test ends its scope like a passing one: in a home of its own, the failed run leaves
 * no addon record and no server process behind (the shared PostgreSQL server there stops with its
 * last tenant).
 */
@ExtendWith(SharedServer.class)
class CleanupTest {
    private final Keeper keeper;

    CleanupTest(Keeper keeper) {
        this.keeper = keeper;
    }

    @Test
    void aFailingTestLeavesNoAddonAndNoServerBehind(@TempDir Path home) throws Exception {
        EngineExecutionResults results = keeper.run(Map.of(RunState.HOME_PARAMETER, home.toString()),
                FailingCase.class, FailingMethodScopeCase.class);

        results.testEvents().assertStatistics(s -> s.succeeded(2).failed(2));
        try (Addons addons = Addons.builder().home(home).runtime("process").automaticBackups(false).build()) {
            assertThat(addons.listAll()).isEmpty();
        }
        assertThat(ServerProcesses.under(home)).as("server processes of " + home).isEmpty();
    }

    @WithAddons(runtime = "process", value = {
            @WithAddon(name = "postgresql", version = "15", variant = "shared"),
            @WithAddon(name = "valkey", version = "7")})
    static class FailingCase {
        @Test
        void fails(@AddonVariable("PGHOST") String host) {
            fail("failing on purpose with a server at " + host);
        }

        @Test
        void passes(@AddonVariable("VALKEY_HOST") String host) {
            assertThat(host).isEqualTo("127.0.0.1");
        }
    }

    @WithAddons(runtime = "process", scope = Scope.METHOD, value = @WithAddon(name = "valkey", version = "7"))
    static class FailingMethodScopeCase {
        @Test
        void fails(@AddonVariable("VALKEY_HOST") String host) {
            throw new IllegalStateException("failing on purpose with a server at " + host);
        }

        @Test
        void passes(@AddonVariable("VALKEY_HOST") String host) {
            assertThat(host).isEqualTo("127.0.0.1");
        }
    }
}
