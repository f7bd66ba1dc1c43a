package dev.addons.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.ServiceBinding;
import dev.addons.core.internal.EffectiveUser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A binding directory is a place the user points at: it follows no link, writes only in
 * directories of the user's own, and removes only entries it wrote.
 */
class ServiceBindingDirectoryTest {
    private static final ServiceBinding BINDING = ServiceBinding.of("postgresql").with("host", "127.0.0.1")
            .with("username", "app").with("password", "s3cret");

    @TempDir
    Path files;

    @Test
    void aDirectoryThatIsASymbolicLinkIsRefusedAndWhatItPointsToIsUntouched() throws IOException {
        Path target = Files.createDirectory(files.resolve("target"));
        Path precious = Files.writeString(target.resolve("precious"), "keep me");
        Path link = Files.createSymbolicLink(files.resolve("bindings"), target);

        assertThatThrownBy(() -> ServiceBindingDirectory.open(link))
                .isInstanceOf(IOException.class)
                .hasMessage(link + " is a symbolic link (to " + target + "), which is never followed: give the "
                        + "directory it points to, or another one");
        assertThat(target).isDirectoryContaining(p -> p.equals(precious));
        assertThat(precious).content().isEqualTo("keep me");
        try (var list = Files.list(target)) {
            assertThat(list).containsExactly(precious);
        }
    }

    @Test
    void aBindingDirectoryThatIsASymbolicLinkIsRefusedAndNeitherWrittenNorEmptied() throws IOException {
        Path elsewhere = Files.createDirectory(files.resolve("elsewhere"));
        Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path config = Files.writeString(elsewhere.resolve("config"), "someone's file");
        ServiceBindingDirectory bindings = ServiceBindingDirectory.open(files.resolve("bindings"));
        Path link = Files.createSymbolicLink(bindings.root().resolve("postgresql"), elsewhere);

        assertThatThrownBy(() -> bindings.write("postgresql", BINDING))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(link + " is a symbolic link (to " + elsewhere + "), which is never followed");
        assertThat(config).content().isEqualTo("someone's file");
        try (var list = Files.list(elsewhere)) {
            assertThat(list).containsExactly(config);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(elsewhere))).isEqualTo("rwxr-xr-x");
    }

    @Test
    void anEntryThatIsASymbolicLinkIsReplacedNotFollowed() throws IOException {
        Path target = Files.writeString(files.resolve("target"), "not a password");
        ServiceBindingDirectory bindings = ServiceBindingDirectory.open(files.resolve("bindings"));
        Path dir = Files.createDirectory(bindings.root().resolve("postgresql"));
        Files.createSymbolicLink(dir.resolve("password"), target);

        bindings.write("postgresql", BINDING);

        assertThat(target).content().isEqualTo("not a password");
        assertThat(Files.isSymbolicLink(dir.resolve("password"))).isFalse();
        assertThat(dir.resolve("password")).content().isEqualTo("s3cret");
    }

    @Test
    void aRewriteRemovesOnlyTheEntriesItWroteThatTheBindingNoLongerHas() throws IOException {
        ServiceBindingDirectory bindings = ServiceBindingDirectory.open(files.resolve("bindings"));
        Path dir = bindings.write("postgresql", BINDING);
        Path foreign = Files.writeString(dir.resolve("notes"), "the user's own");
        Path target = Files.writeString(files.resolve("target"), "untouched");
        Files.createSymbolicLink(dir.resolve("ssl"), target);

        bindings.write("postgresql", new ServiceBinding(Map.of("type", "postgresql", "host", "127.0.0.1")));

        assertThat(dir.resolve("username")).doesNotExist();
        assertThat(dir.resolve("password")).doesNotExist();
        assertThat(dir.resolve("host")).content().isEqualTo("127.0.0.1");
        assertThat(foreign).content().isEqualTo("the user's own");
        assertThat(Files.isSymbolicLink(dir.resolve("ssl"))).isTrue();
        assertThat(target).content().isEqualTo("untouched");
        // In the binding's order, which Map.of does not fix.
        assertThat(Files.readAllLines(dir.resolve(ServiceBindingDirectory.WRITTEN))).containsExactlyInAnyOrder("type",
                "host");
    }

    @Test
    void aDirectoryOfAnotherUserIsRefusedNamingItsOwner() throws IOException {
        Path foreign = Files.createDirectory(files.resolve("foreign"));
        Path precious = Files.writeString(foreign.resolve("precious"), "keep me");
        long self = EffectiveUser.uid();
        if (self == 0) {
            Files.setAttribute(foreign, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
        } else {
            foreign = Path.of("/"); // root's, and never this user's
        }
        Path refused = foreign;
        int owner = (Integer) Files.getAttribute(refused, "unix:uid");

        assertThatThrownBy(() -> ServiceBindingDirectory.open(refused))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(refused + " belongs to ")
                .hasMessageEndingWith("(uid " + owner + "), not to uid " + self
                        + " that addons runs as: choose a directory of your own");
        assertThat(precious).content().isEqualTo("keep me");
    }

    @Test
    void aDirectoryOthersMayWriteIsRefusedSayingWhatToDo() throws IOException {
        Path open = Files.createDirectory(files.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThatThrownBy(() -> ServiceBindingDirectory.open(open))
                .isInstanceOf(IOException.class)
                .hasMessage(open + " (mode 0777) is writable by its group and others: make it yours alone (chmod go-w "
                        + open + ") or choose another directory");
    }
}
