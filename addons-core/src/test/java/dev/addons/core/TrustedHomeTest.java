package dev.addons.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonException;
import dev.addons.core.internal.EffectiveUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A home another user could have written is refused before anything in it is read: its state
 * holds passwords and decides what runs. Other users may pass through it (engines do), not write.
 */
class TrustedHomeTest {
    @TempDir
    Path files;

    private Addons open(Path home) {
        return Addons.builder().home(home).runtime(new FakeRuntime()).build();
    }

    @Test
    void aHomeOthersMayWriteIsRefusedNamingItsModeAndTheFix() throws IOException {
        Path home = Files.createDirectory(files.resolve("home"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThatThrownBy(() -> open(home))
                .isInstanceOf(AddonException.class)
                .hasMessageStartingWith("The addons home " + home + " (owner ")
                .hasMessageEndingWith(", mode 0777) is writable by its group and others, who could change what "
                        + "addons runs and reads. Make it yours alone: chmod go-w " + home);
    }

    @Test
    void aStateDirectoryItsGroupMayWriteIsRefused() throws IOException {
        Path home = files.resolve("home");
        open(home).close();
        Path state = home.resolve("state");
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwx---"));

        assertThatThrownBy(() -> open(home))
                .isInstanceOf(AddonException.class)
                .hasMessageStartingWith("The addons home's state directory " + state)
                .hasMessageContaining("mode 0770) is writable by its group")
                .hasMessageEndingWith("chmod go-w " + state);
    }

    @Test
    void aHomeOfAnotherUserIsRefusedNamingItsOwner() throws IOException {
        Path home = files.resolve("home");
        open(home).close();
        long self = EffectiveUser.uid();
        if (self == 0) {
            Files.setAttribute(home, "unix:uid", 65534);
        } else {
            home = Path.of("/"); // root's, never this user's (and never written: refused first)
        }
        Path foreign = home;
        int owner = (Integer) Files.getAttribute(foreign, "unix:uid");

        assertThatThrownBy(() -> open(foreign))
                .isInstanceOf(AddonException.class)
                .hasMessageStartingWith("The addons home " + foreign + " belongs to ")
                .hasMessageContaining("(uid " + owner + ", mode ")
                .hasMessageEndingWith("not to uid " + self + " that addons runs as: what it holds decides what addons"
                        + " runs and reads, so it must be yours. Use one of your own, or make it yours: chown -R "
                        + self + " " + foreign);
    }

    @Test
    void aHomeOthersMayOnlyPassThroughIsAccepted() throws IOException {
        Path home = Files.createDirectory(files.resolve("home"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx--x--x"));

        try (Addons addons = open(home)) {
            assertThat(addons.listAll()).isEmpty();
        }
    }
}
