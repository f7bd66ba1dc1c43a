package dev.addons.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonException;
import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Torn writes of the state store: what a crash in the middle of a write can leave (a temporary
 * file cut short or full of garbage; on a file system without atomic rename, a cut-short state
 * file) never replaces the last good state silently. A JVM killed between a write's fsync and its
 * rename is in {@code CrashScenarios} of addons-testkit (run by PostgresCrashOnProcessTest).
 */
class TornWriteTest {
    @TempDir
    Path home;

    FakeRuntime runtime = new FakeRuntime();
    Addons addons;
    AddonRecord record;
    Path stateFile;

    @BeforeEach
    void anActiveAddon() {
        addons = Addons.builder().home(home).runtime(runtime).automaticBackups(false).build();
        record = addons.app("kept", "production").create(AddonSpec.of("fakedb"));
        stateFile = home.resolve("state").resolve("addons").resolve(record.id() + ".json");
    }

    @AfterEach
    void close() {
        addons.close();
    }

    @Test
    void aTornTemporaryFileOfADeadWriterIsIgnoredThenRemovedAndTheLastGoodStateStays() throws Exception {
        byte[] good = Files.readAllBytes(stateFile);
        Path torn = stateFile.resolveSibling("." + stateFile.getFileName() + ".pid" + deadPid() + ".1.tmp");
        Files.write(torn, Arrays.copyOf(good, good.length / 2));
        Path garbage = home.resolve("state").resolve("servers").resolve(".x.json.pid" + deadPid() + ".7.tmp");
        Files.write(garbage, new byte[] {0, (byte) 0xff, '{', '"'});

        assertThat(addons.app("kept", "production").list()).containsExactly(record);
        assertThat(addons.reconcile()).as("two files removed").isEqualTo(2);

        assertThat(torn).doesNotExist();
        assertThat(garbage).doesNotExist();
        assertThat(Files.readAllBytes(stateFile)).isEqualTo(good);
        try (Addons later = Addons.builder().home(home).runtime(runtime).automaticBackups(false).build()) {
            assertThat(later.app("kept", "production").list()).singleElement()
                    .satisfies(r -> assertThat(r.status()).isEqualTo(Status.ACTIVE));
        }
    }

    @Test
    void aTemporaryFileOfAWriterStillRunningIsLeftAlone() throws Exception {
        Path writing = stateFile.resolveSibling("." + stateFile.getFileName() + ".pid" + ProcessHandle.current().pid()
                + ".99.tmp");
        Files.write(writing, new byte[] {'{'});

        addons.reconcile();

        assertThat(writing).exists();
        Files.delete(writing);
    }

    @Test
    void aCutShortStateFileIsReportedByNameAndLineWithoutItsContent() throws Exception {
        String whole = Files.readString(stateFile);
        Files.writeString(stateFile, whole.substring(0, whole.indexOf("\"binding\"") + 20), StandardCharsets.UTF_8);

        assertThatThrownBy(() -> addons.listAll())
                .isInstanceOf(AddonException.class)
                .hasMessageMatching("State file " + java.util.regex.Pattern.quote(stateFile.toString())
                        + " is corrupt near line \\d+\\. Move it aside to continue\\.")
                .hasNoCause();
    }

    @Test
    void aStateFileWhoseFieldIsOfTheWrongKindIsReportedByNameAndFieldWithoutItsValue() throws Exception {
        String whole = Files.readString(stateFile);
        String password = whole.replaceAll("(?s).*\"password\" : \"([^\"]*)\".*", "$1");
        assertThat(password).as("the tenant's password in the file").isNotBlank().isNotEqualTo(whole);
        Files.writeString(stateFile, whole.replace("\"binding\" : {", "\"binding\" : {\"nested\" : {\"p\" : \""
                + password + "\"},"), StandardCharsets.UTF_8);

        assertThatThrownBy(() -> addons.listAll())
                .isInstanceOf(AddonException.class)
                .hasMessage("State file " + stateFile + " is corrupt: its \"binding\" is not text. Move it aside to"
                        + " continue.")
                .hasNoCause();
    }

    /** The pid of a process that has exited. */
    private static long deadPid() throws Exception {
        Process done = new ProcessBuilder("true").start();
        done.waitFor();
        return done.pid();
    }
}
