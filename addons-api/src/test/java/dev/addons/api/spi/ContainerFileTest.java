package dev.addons.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContainerFileTest {

    @Test
    void aFileKnowsItsDirectoryAndNameAndShowsNoContent() {
        ContainerFile file = ContainerFile.text("/data/server.conf", "requirepass \"s3cret\"\n", 0600);

        assertThat(file.directory()).isEqualTo("/data");
        assertThat(file.name()).isEqualTo("server.conf");
        assertThat(new String(file.content(), StandardCharsets.UTF_8)).isEqualTo("requirepass \"s3cret\"\n");
        assertThat(file.toString()).isEqualTo("ContainerFile[path=/data/server.conf, mode=0600, 21 bytes]");
        assertThat(file).isEqualTo(ContainerFile.text("/data/server.conf", "requirepass \"s3cret\"\n", 0600));
        assertThat(ContainerFile.text("/top", "", 0400).directory()).isEqualTo("/");
    }

    @Test
    void theContentIsCopiedInAndOut() {
        byte[] content = {1, 2, 3};
        ContainerFile file = new ContainerFile("/data/x", content, 0600);
        content[0] = 9;
        file.content()[1] = 9;

        assertThat(file.content()).containsExactly(1, 2, 3);
    }

    @Test
    void aPathThatIsNotAbsoluteAndNormalizedOrAModeOutOfRangeIsRefused() {
        for (String path : List.of("data/x", "/data/", "/data//x", "/data/../etc/passwd", "/data/./x", "/data/..")) {
            assertThatThrownBy(() -> ContainerFile.text(path, "", 0600)).as(path)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("path is not an absolute, normalized file path: " + path);
        }
        assertThatThrownBy(() -> ContainerFile.text("/data/x", "", 01000))
                .hasMessage("mode out of range: 01000 (allowed: 0 to 0777)");
    }

    @Test
    void aRecipeRefusesTwoFilesWithOnePathAndShowsPathsOnly() {
        ContainerFile one = ContainerFile.text("/data/a", "s3cret", 0600);
        assertThatThrownBy(() -> ContainerRecipe.builder("img", 1, "/data")
                .files(List.of(one, ContainerFile.text("/data/a", "other", 0600)))
                .build())
                .hasMessage("two files with one path: [/data/a, /data/a]");
        assertThat(ContainerRecipe.builder("img", 1, "/data").files(List.of(one)).build().toString())
                .contains("files=[/data/a]").doesNotContain("s3cret");
    }
}
