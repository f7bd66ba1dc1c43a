package dev.addons.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HomeLocksTest {
    @TempDir
    Path home;

    @Test
    void theWorkRunsHoldingALockFileBesideAddonsOwnInOwnerOnlyDirectories() {
        Path lock = home.resolve("state/locks/network-addons-1a2b3c-app-shop.lock");

        String result = HomeLocks.with(home, "network-addons-1a2b3c-app-shop", () -> {
            assertThat(lock).exists();
            // Re-entrant within the thread, as a network's creation inside a start is.
            return HomeLocks.with(home, "network-addons-1a2b3c-app-shop", () -> "done");
        });

        assertThat(result).isEqualTo("done");
        assertThat(PosixFilePermissions.toString(permissions(home.resolve("state/locks")))).isEqualTo("rwx------");
    }

    @Test
    void aNameThatIsNotAPlainFileNameIsRefused() {
        assertThatThrownBy(() -> HomeLocks.with(home, "../escape", () -> "no"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lock name must match [A-Za-z0-9][A-Za-z0-9._-]{0,150}: '../escape'");
        assertThat(home.resolve("state")).doesNotExist();
    }

    private static java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions(Path path) {
        try {
            return Files.getPosixFilePermissions(path);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
