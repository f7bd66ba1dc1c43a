package dev.addons.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.spi.BinaryDistribution.VersionProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BinaryDistributionTest {

    private static final VersionProbe REDIS_7 = new VersionProbe("redis-server", List.of("--version"),
            "\\bv=([0-9][0-9.]*[0-9])", "7");

    @Test
    void aProbeReadsTheVersionFromTheFirstGroupOfItsPattern() {
        assertThat(REDIS_7.versionIn("Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64"))
                .contains("7.0.15");
        assertThat(REDIS_7.versionIn("redis-server: command not found")).isEmpty();
    }

    @Test
    void aProbeAcceptsTheExpectedVersionAndItsMinorAndPatchVersionsOnly() {
        VersionProbe memcached = new VersionProbe("memcached", List.of("-V"), "memcached ([0-9.]+)", "1.6");

        assertThat(memcached.accepts("1.6")).isTrue();
        assertThat(memcached.accepts("1.6.18")).isTrue();
        assertThat(memcached.accepts("1.60.1")).isFalse();
        assertThat(memcached.accepts("1.5.22")).isFalse();
        assertThat(REDIS_7.accepts("7.2.4")).isTrue();
        assertThat(REDIS_7.accepts("70.1")).isFalse();
    }

    @Test
    void aProbeNeedsAPatternWithAGroupAndAnExpectedVersion() {
        assertThatThrownBy(() -> new VersionProbe("x", List.of(), "v=[0-9.]+", "7"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pattern has no group for the version: v=[0-9.]+");
        assertThatThrownBy(() -> new VersionProbe("x", List.of(), "v=([0-9.]+", "7"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pattern is not a regular expression: v=([0-9.]+");
        assertThatThrownBy(() -> new VersionProbe("x", List.of(), "v=([0-9.]+)", " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected is blank");
    }

    @Test
    void theProbedBinaryMustBeOneTheDistributionRequires() {
        assertThatThrownBy(() -> new BinaryDistribution("Valkey 7", List.of(Path.of("/usr/bin")),
                List.of("valkey-server"), null, REDIS_7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("versionProbe.binary 'redis-server' is not one of requiredBinaries [valkey-server]");
    }

    @Test
    void aDistributionWithoutProbeOrDownloadSaysSo() {
        BinaryDistribution distribution = new BinaryDistribution("PostgreSQL 15",
                List.of(Path.of("/usr/lib/postgresql/15/bin")), List.of("initdb", "postgres"), null);

        assertThat(distribution.versionProbeIfAny()).isEmpty();
        assertThat(distribution.downloadIfAny()).isEmpty();
    }

    @Test
    void aRecipesCandidatesAreItsBinariesFollowedByItsAlternatives() {
        BinaryDistribution valkey = new BinaryDistribution("Valkey 7", List.of(Path.of("/usr/bin")),
                List.of("valkey-server"), null);
        BinaryDistribution redis = new BinaryDistribution("Valkey 7 served by Redis 7", List.of(Path.of("/usr/bin")),
                List.of("redis-server"), null, REDIS_7);

        ProcessRecipe single = ProcessRecipe.builder(valkey, context -> List.of("true"))
                .stopSignal(ProcessRecipe.StopSignal.TERM).stopTimeout(Duration.ofSeconds(1)).build();
        ProcessRecipe recipe = single.toBuilder().alternatives(List.of(redis)).build();

        assertThat(recipe.candidates()).containsExactly(valkey, redis);
        assertThat(recipe.toBuilder().alternatives(List.of()).build()).isEqualTo(single);
        assertThat(single.alternatives()).isEmpty();
        assertThat(single.candidates()).containsExactly(valkey);
    }
}
