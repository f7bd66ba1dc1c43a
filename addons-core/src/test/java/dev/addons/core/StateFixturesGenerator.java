package dev.addons.core;

import dev.addons.api.AddonSpec;
import dev.addons.api.Status;
import dev.addons.core.internal.AddonState;
import dev.addons.core.internal.StateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes a sample addons home through the code's own writers, with no real server (the
 * {@link FakeRuntime}), for {@link StateFormatTest} to read back in later versions. Run only when
 * asked, when the state format changes:
 *
 * <pre>
 * mvn -B -o -q -pl addons-core -am test -Dtest=StateFixturesGenerator -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Daddons.fixtures.out=$PWD/addons-core/src/test/resources/homes/format-N
 * </pre>
 *
 * where N is {@code StateStore.FORMAT} (a directory that does not exist yet), then add N to
 * {@link StateFormatTest}'s formats. Keep the homes of earlier formats: they are what later
 * versions must still read. The home holds: {@code shop} with a small fakedb (ACTIVE, a backup,
 * a backup policy) and a fakecache; {@code blog} with a shared fakedb on the registered external server {@code central};
 * {@code idle} stopped; {@code nap} sleeping; {@code failing} FAILED. Lock files are left out.
 */
class StateFixturesGenerator {
    @TempDir
    Path home;

    @Test
    @EnabledIfSystemProperty(named = "addons.fixtures.out", matches = ".+")
    void writeASampleHome() throws IOException {
        Path out = Path.of(System.getProperty("addons.fixtures.out"));
        if (Files.exists(out)) {
            throw new IllegalArgumentException("addons.fixtures.out " + out + " exists: a sample home is written once,"
                    + " into a new directory");
        }
        generate(home);
        copy(home, out);
    }

    static void generate(Path home) {
        FakeRuntime runtime = new FakeRuntime();
        try (Addons addons = Addons.builder().home(home).runtime(runtime).automaticBackups(false).build()) {
            addons.app("shop", "production").create(AddonSpec.of("fakedb"));
            FakeRuntime.rows(runtime.running.keySet().iterator().next(), "shop").put("greeting", "hello");
            addons.app("shop", "production").create(AddonSpec.of("fakecache"));
            addons.app("shop", "production").backupPolicy("fakedb", BackupPolicy.DEFAULT.withKeepLast(3));
            addons.app("shop", "production").backup("fakedb");
            addons.registerServer("central", "fakedb", "fakedb://admin:central-pw@127.0.0.1:15432");
            addons.app("blog", "staging").create(AddonSpec.of("fakedb").withVariant("shared").withServer("central"));
            addons.app("idle", "production").create(AddonSpec.of("fakedb").withVersion("1"));
            addons.app("nap", "production").create(AddonSpec.of("fakedb").withSleepAfter(Duration.ofMinutes(30)));
            try {
                addons.app("failing", "production").create(AddonSpec.of("fakedb"));
            } catch (RuntimeException expected) {
                // A FAILED addon is part of the sample.
            }
        }
        StateStore store = new StateStore(home);
        AddonState nap = store.find("nap", "production", "fakedb").orElseThrow();
        store.save(nap.withStatus(Status.SLEEPING, "no client for 30m", null));
        // The fake runtime cannot stop a server: the record is written as a stop leaves it.
        AddonState idle = store.find("idle", "production", "fakedb").orElseThrow();
        store.save(idle.withStatus(Status.STOPPED, "stopped by the user", null));
    }

    private static void copy(Path from, Path to) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(from)) {
            files = walk.filter(Files::isRegularFile).filter(p -> !from.relativize(p).startsWith("state/locks"))
                    .filter(p -> !p.getFileName().toString().endsWith(".tmp")).toList();
        }
        for (Path file : files) {
            Path target = to.resolve(from.relativize(file).toString());
            Files.createDirectories(target.getParent());
            Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
