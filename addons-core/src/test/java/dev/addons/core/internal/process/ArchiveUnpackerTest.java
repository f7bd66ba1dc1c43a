package dev.addons.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveUnpackerTest {
    @TempDir
    Path root;

    private Path unpack(TestArchive archive) throws IOException {
        Path artifact = root.resolve("artifact.jar");
        Files.write(artifact, TestArchive.jar("dist.txz", archive.xz()));
        Path target = Files.createDirectories(root.resolve("a/b/target"));
        ArchiveUnpacker.unpack(artifact, "dist.txz", target);
        return target;
    }

    @Test
    void keepsExecutableBitsAndSymbolicLinks() throws IOException {
        Path target = unpack(TestArchive.hello());

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("bin/hello"))))
                .isEqualTo("rwxr-xr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("lib/libhello.so.1"))))
                .isEqualTo("rw-r--r--");
        assertThat(Files.readSymbolicLink(target.resolve("lib/libhello.so"))).isEqualTo(Path.of("libhello.so.1"));
        assertThat(target.resolve("lib/libhello.so")).hasContent("not really a library");
    }

    @Test
    void refusesAnEntryOutsideTheTargetDirectory() {
        assertThatThrownBy(() -> unpack(TestArchive.hello().file("../escaped", 0644, "x")))
                .isInstanceOf(IOException.class)
                .hasMessage("archive entry '../escaped' points outside the directory it is unpacked into");
        assertThat(root.resolve("a/b/escaped")).doesNotExist();
    }

    @Test
    void refusesSymbolicLinksLeadingOutside() {
        assertThatThrownBy(() -> unpack(new TestArchive().symlink("lib/passwd", "/etc/passwd")))
                .isInstanceOf(IOException.class)
                .hasMessage("archive entry 'lib/passwd -> /etc/passwd' points outside the directory it is "
                        + "unpacked into");
        assertThatThrownBy(() -> unpack(new TestArchive().symlink("lib/up", "../../x")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("'lib/up -> ../../x' points outside");
    }

    @Test
    void refusesWritingThroughLinksThatLookHarmlessButLeadOutside() {
        // "here" is the target itself; "here/.." lexically stays inside but really is its parent.
        TestArchive archive = new TestArchive()
                .symlink("here", ".")
                .symlink("up", "here/..")
                .file("up/escaped", 0644, "x");

        assertThatThrownBy(() -> unpack(archive))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("points outside");
        assertThat(root.resolve("a/b/escaped")).doesNotExist();
    }

    @Test
    void refusesAnArchiveThatIsNeitherXzNorGzip() throws IOException {
        Path artifact = root.resolve("artifact.jar");
        Files.write(artifact, TestArchive.jar("dist.txz", "plain text".getBytes()));

        assertThatThrownBy(() -> ArchiveUnpacker.unpack(artifact, "dist.txz", Files.createDirectory(root.resolve("t"))))
                .isInstanceOf(IOException.class)
                .hasMessage("dist.txz is neither an xz nor a gzip compressed tar archive");
        assertThatThrownBy(() -> ArchiveUnpacker.unpack(artifact, "other.txz", root.resolve("t")))
                .isInstanceOf(IOException.class)
                .hasMessage("no entry 'other.txz' in " + artifact);
    }
}
