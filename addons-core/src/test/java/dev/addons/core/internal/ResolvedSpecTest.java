package dev.addons.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonSpec;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.Variant;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.ProviderDescriptor;
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

        /** As the process runtime chooses: the newest it can run. */
        @Override
        public String defaultVersion(AddonProvider provider) {
            return ServerRuntime.newestRunnable(provider, this).orElse(provider.descriptor().defaultVersion());
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

    /** A runtime that runs every version, as the container runtime runs the engines' images. */
    private record EveryVersionRuntime() implements ServerRuntime {
        @Override
        public String name() {
            return "container";
        }

        @Override
        public Availability availability(ServerDefinition definition) {
            return new Availability(Availability.State.DOWNLOADABLE, "fake:" + definition.version());
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
    void noVersionAskedGetsTheNewestTheProcessRuntimeCanServeAndSaysWhy() {
        ServerRuntime runtime = new ListedRuntime(Map.of(
                "1", new Availability(Availability.State.INSTALLED, "/usr/bin: fake 1.4.2")));

        ResolvedSpec spec = ResolvedSpec.resolve(AddonSpec.of("fakedb"), registry, runtime, "");

        assertThat(spec.version()).isEqualTo("1");
        assertThat(spec.chosen()).isEqualTo("no version asked; 1 is the newest the process runtime can serve here"
                + " (fakedb's default, 2, it cannot)");
    }

    @Test
    void noVersionAskedGetsTheNewestOfInstalledCachedAndDownloadableVersionsNumberByNumber() {
        FakeProvider many = new FakeProvider() {
            @Override
            public ProviderDescriptor descriptor() {
                return ProviderDescriptor.builder("fakedb").variant(Variant.small("Dedicated"))
                        .versions("1.4", "1.9", "1.10", "2").defaultVersion("2").build();
            }
        };
        ServerRuntime runtime = new ListedRuntime(Map.of(
                "1.4", new Availability(Availability.State.INSTALLED, "/usr/bin: fake 1.4"),
                "1.9", new Availability(Availability.State.CACHED, "cache: fake 1.9"),
                "1.10", new Availability(Availability.State.DOWNLOADABLE, "fake 1.10 from Maven Central")));

        assertThat(runtime.defaultVersion(many)).isEqualTo("1.10");
        assertThat(ServerRuntime.newestRunnable(many, new ListedRuntime(Map.of()))).isEmpty();
    }

    @Test
    void noVersionAskedGetsTheAddonsOwnDefaultOnARuntimeThatRunsEveryVersion() {
        ResolvedSpec spec = ResolvedSpec.resolve(AddonSpec.of("fakedb"), registry, new EveryVersionRuntime(), "");

        assertThat(spec.version()).isEqualTo("2");
        assertThat(spec.chosen()).isEqualTo("no version asked; 2 is fakedb's default");
        assertThat(ResolvedSpec.resolve(AddonSpec.of("fakedb").withVersion("1"), registry, new EveryVersionRuntime(),
                "").chosen()).isEmpty();
    }

    @Test
    void whenTheRuntimeCanRunNoVersionTheMessageSaysSo() {
        assertThatThrownBy(() -> ResolvedSpec.resolve(AddonSpec.of("fakedb"), registry, new ListedRuntime(Map.of()), ""))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("fakedb version '2' cannot run on the process runtime: fakedb 2 is nowhere"
                        + " The process runtime can run no version of fakedb here.");
    }

    /** A provider whose descriptor has a retired version, a shared default variant and a default of its own on the container runtime. */
    private static final FakeProvider DECLARING = new FakeProvider() {
        @Override
        public ProviderDescriptor descriptor() {
            return ProviderDescriptor.builder("fakedb").variant(Variant.small("Dedicated"))
                    .variant(Variant.sharedVariant("Shared")).defaultVariant("shared")
                    .versions("1", "2").defaultVersion("2").defaultVersion("container", "1")
                    .retired("0.9", "it is end-of-life").build();
        }
    };

    @Test
    void anUnsupportedVersionIsRefusedByCoreNamingTheVersionsTheDefaultAndWhyARetiredOneWent() {
        ProviderRegistry declaring = new ProviderRegistry(List.of(DECLARING));

        assertThatThrownBy(() -> ResolvedSpec.resolve(AddonSpec.of("fakedb").withVersion("3"), registry,
                new EveryVersionRuntime(), "addons.toml: "))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("addons.toml: fakedb version '3' is not supported. Supported: [1, 2] (default 2),"
                        + " or a full image reference containing ':'");
        assertThatThrownBy(() -> ResolvedSpec.resolve(AddonSpec.of("fakedb").withVersion("0.9"), declaring,
                new EveryVersionRuntime(), ""))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("fakedb version '0.9' is not supported: it is end-of-life. Supported: [1, 2] (default 1),"
                        + " or a full image reference containing ':'");
    }

    @Test
    void anUnknownVariantIsRefusedByCoreNamingTheVariantsThereAre() {
        assertThatThrownBy(() -> ResolvedSpec.resolve(AddonSpec.of("fakedb").withVariant("huge"), registry,
                new EveryVersionRuntime(), ""))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("fakedb has no variant 'huge'. Variants: [small, shared]");
    }

    @Test
    void noVariantOrVersionAskedGetsTheDescriptorsDefaultsForTheRuntime() {
        ProviderRegistry declaring = new ProviderRegistry(List.of(DECLARING));

        ResolvedSpec spec = ResolvedSpec.resolve(AddonSpec.of("fakedb"), declaring, new EveryVersionRuntime(), "");

        assertThat(spec.variant().name()).isEqualTo("shared");
        assertThat(spec.version()).as("the container runtime's own default").isEqualTo("1");
        assertThat(spec.chosen()).isEqualTo("no version asked; 1 is fakedb's default");
    }
}
