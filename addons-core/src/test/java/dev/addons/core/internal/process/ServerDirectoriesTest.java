package dev.addons.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServerDirectoriesTest {
    @TempDir
    Path temp;

    @Test
    void deletesATreeOfManyDirectoriesAndRemovesItsLinksWithoutFollowingThem() throws IOException {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Path kept = Files.writeString(outside.resolve("kept"), "not to be deleted");
        Path tree = temp.resolve("tree");
        for (int d = 0; d < 6; d++) {
            Path directory = Files.createDirectories(tree.resolve("base").resolve(Integer.toString(d)).resolve("sub"));
            for (int f = 0; f < 50; f++) {
                Files.writeString(directory.getParent().resolve("file" + f), "x".repeat(f));
                Files.writeString(directory.resolve("file" + f), "y");
            }
        }
        Files.createSymbolicLink(tree.resolve("base").resolve("link-to-a-directory"), outside);
        Files.createSymbolicLink(tree.resolve("link-to-a-file"), kept);
        Files.createDirectories(tree.resolve("empty"));

        ServerDirectories.deleteRecursively(tree);

        assertThat(tree).doesNotExist();
        assertThat(kept).hasContent("not to be deleted");
        assertThat(outside).isDirectory();
    }

    @Test
    void aMissingDirectoryIsNoFailure() throws IOException {
        ServerDirectories.deleteRecursively(temp.resolve("never-made"));

        assertThat(temp.resolve("never-made")).doesNotExist();
    }

    /** With few files the calling thread deletes them; with many, several threads do. */
    @ParameterizedTest
    @ValueSource(ints = {1, 40})
    void aFileThatCannotBeDeletedFailsTheDeletionNamingItAndTheOtherDirectoriesAreStillEmptied(int filesEach)
            throws Exception {
        Path tree = temp.resolve("tree");
        Path locked = Files.createDirectories(tree.resolve("locked"));
        Path stays = Files.writeString(locked.resolve("stays"), "x");
        for (int d = 0; d < 3; d++) {
            Path directory = Files.createDirectories(tree.resolve("open" + d));
            for (int f = 0; f < filesEach; f++) {
                Files.writeString(directory.resolve("goes" + f), "x");
            }
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        // Root is refused nothing a mode forbids; an immutable file it is refused too.
        if (root) {
            Process chattr = new ProcessBuilder("chattr", "+i", stays.toString()).redirectErrorStream(true).start();
            Assumptions.assumeTrue(chattr.waitFor() == 0, "this file system takes no immutable flag (chattr +i)");
        } else {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-x------"));
        }
        try {
            assertThatThrownBy(() -> ServerDirectories.deleteRecursively(tree))
                    .isInstanceOf(FileSystemException.class)
                    .hasMessageContaining(stays.toString());
            for (int d = 0; d < 3; d++) {
                assertThat(tree.resolve("open" + d)).doesNotExist();
            }
            assertThat(stays).exists();
        } finally {
            if (root) {
                new ProcessBuilder("chattr", "-i", stays.toString()).start().waitFor();
            } else {
                Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
            }
        }
    }
}
