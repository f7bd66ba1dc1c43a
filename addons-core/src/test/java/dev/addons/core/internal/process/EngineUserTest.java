package dev.addons.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.addons.api.ProvisioningException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineUserTest {
    private static final List<String> INITDB = List.of("/usr/lib/postgresql/15/bin/initdb", "-D", "/data");

    @Test
    void aDedicatedUserRunsTheCommandThroughSetprivWithItsIdsNoGroupsAndNoWayBack() {
        assertThat(EngineUser.dedicated("addons", 998, 997).wrap(INITDB)).containsExactly("setpriv", "--reuid=998",
                "--regid=997", "--clear-groups", "--no-new-privs", "--", "/usr/lib/postgresql/15/bin/initdb", "-D",
                "/data");
    }

    @Test
    void theCurrentUserRunsTheCommandAsItIs() {
        assertThat(EngineUser.currentUser().wrap(INITDB)).isEqualTo(INITDB);
    }

    @Test
    void rootIsNeverTheEngineUser() {
        assertThatThrownBy(() -> EngineUser.dedicated("toor", 0, 0)).hasMessageContaining("never run as root");
    }

    @Test
    void aDedicatedUsersCommandsKeepOnlyThePathAndLocaleOfThisJvmsEnvironment() {
        Map<String, String> environment = new HashMap<>(Map.of("PATH", "/usr/bin", "LANG", "C.UTF-8",
                "LC_ALL", "C.UTF-8", "AWS_SECRET_ACCESS_KEY", "not for engines", "HOME", "/root"));

        EngineUser.dedicated("addons", 998, 997).environment(environment, Path.of("/var/lib/addons/servers/x"));

        assertThat(environment).containsOnly(Map.entry("PATH", "/usr/bin"), Map.entry("LANG", "C.UTF-8"),
                Map.entry("LC_ALL", "C.UTF-8"), Map.entry("HOME", "/var/lib/addons/servers/x"),
                Map.entry("USER", "addons"), Map.entry("LOGNAME", "addons"));
    }

    @Test
    void theUserIsReadFromThePasswdFileByItsWholeName(@TempDir Path tmp) throws Exception {
        Path passwd = tmp.resolve("passwd");
        Files.writeString(passwd, "root:x:0:0:root:/root:/bin/bash\n"
                + "addons-old:x:990:990::/nonexistent:/usr/sbin/nologin\n"
                + "addons:x:998:997:addons engines:/nonexistent:/usr/sbin/nologin\n"
                + "broken:x:uid:gid\n");

        assertThat(EngineUser.entry("addons", passwd)).hasValueSatisfying(user -> {
            assertThat(user.isDedicated()).isTrue();
            assertThat(user.identity()).isEqualTo("uid 998 gid 997");
        });
        assertThat(EngineUser.entry("addons-new", passwd)).isEmpty();
        assertThat(EngineUser.entry("broken", passwd)).isEmpty();
        assertThat(EngineUser.entry("addons", tmp.resolve("missing"))).isEmpty();
    }

    @Test
    void rootsEnginesRunAsTheDedicatedUserAndEveryoneElsesAsThemselves() {
        boolean root = "root".equals(System.getProperty("user.name"));

        assertThat(EngineUser.effectiveUid() == 0).isEqualTo(root);
        EngineUser user = EngineUser.forThisProcess();
        assertThat(user.isDedicated()).isEqualTo(root);
        assertThat(user.wrap(INITDB).get(0)).isEqualTo(root ? "setpriv" : INITDB.get(0));
        if (root) {
            assertThat(user.toString()).startsWith("the unprivileged user 'addons' (uid ");
        }
    }

    @Test
    void passingThroughAddsOnlyTheOthersExecuteBitAndADirectoryOnTheWayThatStaysClosedIsNamed(@TempDir Path tmp)
            throws Exception {
        EngineUser user = EngineUser.dedicated("nobody-here", 65000, 65000);
        Path home = Files.createDirectory(tmp.resolve("home"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path servers = Files.createDirectory(home.resolve("servers"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));

        assertThatThrownBy(() -> user.passThrough(home, servers)).isInstanceOf(ProvisioningException.class)
                .hasMessageContaining("'nobody-here'").hasMessageContaining(tmp + " (mode 0700")
                .hasMessageContaining("is closed to it");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home))).isEqualTo("rwx-----x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(servers))).isEqualTo("rwx-----x");

        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx-----x"));
        user.passThrough(home, servers);
        assertThat(user.whyUnreachable(servers)).isEmpty();
    }

    @Test
    void owningADirectoryChownsEverythingUnderItButLinksTargetsAndACopyWhoseTopIsTheUsersAlready(@TempDir Path tmp)
            throws Exception {
        assumeTrue(EngineUser.effectiveUid() == 0, "only root gives files away");
        EngineUser user = EngineUser.dedicated("nobody-here", 65000, 65001);
        Path root = Files.createDirectory(tmp.resolve("server"));
        Path log = Files.writeString(root.resolve("server.log"), "");
        Path outside = Files.writeString(tmp.resolve("outside"), "");
        Path link = Files.createSymbolicLink(root.resolve("link"), outside);
        Path data = Files.createDirectories(root.resolve("data"));
        Path copiedFile = Files.writeString(Files.createDirectories(data.resolve("base")).resolve("1"), "");
        Path copied = Files.createDirectories(root.resolve("copied"));
        Path inCopy = Files.writeString(copied.resolve("PG_VERSION"), "15");
        Files.setAttribute(copied, "unix:uid", 65000);
        Files.setAttribute(copied, "unix:gid", 65001);

        user.own(root, copied);

        for (Path owned : List.of(root, log, link, data, copiedFile.getParent(), copiedFile, copied)) {
            assertThat(owner(owned)).as(owned.toString()).isEqualTo("65000:65001");
        }
        assertThat(owner(inCopy)).as("inside the copy whose top is the user's").isEqualTo("0:0");
        assertThat(owner(outside)).as("a link's target").isEqualTo("0:0");

        // A copy whose top is another's (the user made anew since the template) is walked too.
        Files.setAttribute(copied, "unix:uid", 0);
        user.own(root, copied);
        assertThat(owner(inCopy)).isEqualTo("65000:65001");
        user.own(root);
        assertThat(owner(outside)).isEqualTo("0:0");
    }

    private static String owner(Path path) throws Exception {
        Map<String, Object> owner = Files.readAttributes(path, "unix:uid,gid", LinkOption.NOFOLLOW_LINKS);
        return owner.get("uid") + ":" + owner.get("gid");
    }
}
