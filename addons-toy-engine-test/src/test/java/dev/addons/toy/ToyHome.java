package dev.addons.toy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.testkit.Loopback;
import dev.addons.testkit.ServerProcesses;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** An addons home of the toy tests' own, and what they check is gone with its servers. Stateless. */
final class ToyHome {
    private ToyHome() {
    }

    /** A new home; a short path, as the process runtime keeps its servers under it. */
    static Path create() throws IOException {
        return Files.createTempDirectory("addons-toy-");
    }

    /**
     * Nothing of a destroyed toy server is left: no process under the home, nothing on its port,
     * no server directory, and no JVM performance-data file of its pids (the server runs without).
     */
    static void assertNothingLeft(Path home, List<Long> pids, int port) throws IOException {
        assertThat(ServerProcesses.under(home)).as("server processes under " + home).isEmpty();
        assertThat(pids).as("the server's processes").noneMatch(pid -> ProcessHandle.of(pid).isPresent());
        assertThat(Loopback.isListening(port)).as("something on port " + port).isFalse();
        Path servers = home.resolve("servers");
        if (Files.isDirectory(servers)) {
            try (Stream<Path> left = Files.list(servers)) {
                assertThat(left).as("server directories in " + servers).isEmpty();
            }
        }
        try (DirectoryStream<Path> perfData = Files.newDirectoryStream(Path.of(System.getProperty("java.io.tmpdir")),
                "hsperfdata_*")) {
            for (Path directory : perfData) {
                assertThat(pids).noneMatch(pid -> Files.exists(directory.resolve(Long.toString(pid))));
            }
        }
    }

    /** Deletes {@code home} and everything in it. */
    static void delete(Path home) throws IOException {
        if (home == null || !Files.exists(home)) {
            return;
        }
        try (Stream<Path> all = Files.walk(home)) {
            for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
