package dev.addons.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonSpec;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.core.FakeProvider;
import dev.addons.core.runtime.Availability;
import dev.addons.core.runtime.Placement;
import dev.addons.core.runtime.ProgressListener;
import dev.addons.core.runtime.RunningServer;
import dev.addons.core.runtime.ServerRuntime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResolvedSpecTest {

    private final ProviderRegistry registry = new ProviderRegistry(List.of(new FakeProvider()));

    /** A runtime that can run the versions in its map only; it starts nothing. */
    private record ListedRuntime(Map<String, Availability> versions) implements ServerRuntime {
        @Override
        public String name() {
            return "process";
        }

        @Override
        public Availability availability(ServerDefinition definition) {
            return versions.getOrDefault(definition.version(),
                    new Availability(Availability.State.UNAVAILABLE, "fakedb " + definition.version() + " is nowhere"));
        }

        @Override
        public RunningServer start(String serverId, ServerDefinition definition, Placement placement,
                ProgressListener progress) {
            throw new UnsupportedOperationException();
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

    @Test
    void aVersionTheRuntimeCannotRunIsRefusedNamingTheVersionItCanRunAndHowToAskForIt() {
        ServerRuntime runtime = new ListedRuntime(Map.of(
                "1", new Availability(Availability.State.INSTALLED, "/usr/bin: fake 1.4.2")));

        assertThatThrownBy(() -> ResolvedSpec.resolve(AddonSpec.of("fakedb").withVersion("2"), registry, runtime,
                "addons.db: "))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("addons.db: fakedb version '2' cannot run on the process runtime: fakedb 2 is nowhere"
                        + " Here the process runtime can run fakedb 1 (installed: /usr/bin: fake 1.4.2): use --version 1,"
                        + " or version = \"1\" in the app file.");
        assertThat(ResolvedSpec.resolve(AddonSpec.of("fakedb").withVersion("1"), registry, runtime, "").version())
                .isEqualTo("1");
    }

    @Test
    void whenTheRuntimeCanRunNoVersionTheMessageSaysSo() {
        assertThatThrownBy(() -> ResolvedSpec.resolve(AddonSpec.of("fakedb"), registry, new ListedRuntime(Map.of()), ""))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("fakedb version '2' cannot run on the process runtime: fakedb 2 is nowhere"
                        + " The process runtime can run no version of fakedb here.");
    }
}
