package dev.addons.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.InvalidSpecException;
import org.junit.jupiter.api.Test;

class ImagesTest {
    @Test
    void imageReferencesAreReadAsDockerReadsThem() {
        assertThat(Images.registryOf(Images.parse("postgres:18"))).isEqualTo("registry-1.docker.io");
        assertThat(Images.registryOf(Images.parse("valkey/valkey:8"))).isEqualTo("registry-1.docker.io");
        assertThat(Images.registryOf(Images.parse("docker.io/library/postgres:18"))).isEqualTo("registry-1.docker.io");
        assertThat(Images.registryOf(Images.parse("registry.example.com:5000/team/pg:16")))
                .isEqualTo("registry.example.com:5000");
        assertThat(Images.registryOf(Images.parse("localhost/addons-test/postgres:15"))).isEqualTo("localhost");
        assertThat(Images.parse("registry.example.com:5000/team/pg:16").getUnversionedPart())
                .isEqualTo("registry.example.com:5000/team/pg");
        assertThat(Images.parse("registry.example.com:5000/team/pg:16").getVersionPart()).isEqualTo("16");
        assertThat(Images.parse("registry.example.com:5000/team/pg").getVersionPart()).isEqualTo("latest");
        String digest = "sha256:" + "ab".repeat(32);
        assertThat(Images.parse("pg@" + digest).getUnversionedPart()).isEqualTo("pg");
        assertThat(Images.parse("pg@" + digest).getVersionPart()).isEqualTo(digest);
    }

    @Test
    void aMalformedReferenceIsRefusedWithWhatIsWrongAndWhatIsAllowed() {
        assertThatThrownBy(() -> Images.parse("pg:bad tag"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("image 'pg:bad tag' is not a valid image reference (bad tag is not a valid image versioning"
                        + " identifier (in pg:bad tag)): use [registry/]repository:tag or"
                        + " [registry/]repository@sha256:digest, the repository in lower case");
        assertThatThrownBy(() -> Images.parse("pg@sha256:abc"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("sha256:abc is not a valid image versioning identifier");
        assertThatThrownBy(() -> Images.parse("Team/PG:16"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("Team/PG is not a valid Docker image name");
    }
}
