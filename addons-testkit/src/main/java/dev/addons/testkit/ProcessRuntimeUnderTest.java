package dev.addons.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.AddonRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The process runtime's checks: servers are processes under {@code <home>/servers/<server id>/}. */
final class ProcessRuntimeUnderTest implements RuntimeUnderTest {

    @Override
    public String name() {
        return "process";
    }

    @Override
    public void requireAvailable() {
        // The engines' binaries are installed by .ci/setup, or fetched.
    }

    @Override
    public String version(EngineUnderTest engine) {
        return engine.processVersion();
    }

    @Override
    public String unavailableVersion(EngineUnderTest engine) {
        return engine.testImage();
    }

    @Override
    public String unavailableMessage(EngineUnderTest engine) {
        return "version '" + engine.testImage() + "' is an image reference: custom images need the container runtime";
    }

    @Override
    public void assertNothingLeft(Path home) {
        assertThat(processesUnder(home)).as("server processes of " + home).isEmpty();
        Path servers = home.resolve("servers");
        if (Files.isDirectory(servers)) {
            try (Stream<Path> left = Files.list(servers)) {
                assertThat(left).as("server directories in " + servers).isEmpty();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public Set<String> serversOf(Path home) {
        Path servers = home.resolve("servers");
        if (!Files.isDirectory(servers)) {
            return Set.of();
        }
        try (Stream<Path> listed = Files.list(servers)) {
            return listed.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void assertSeparated(Path home, AddonRecord one, AddonRecord other, EngineUnderTest engine,
            int otherPort) {
        List<ProcessHandle> ones = processesUnder(serverDirectory(home, one));
        List<ProcessHandle> others = processesUnder(serverDirectory(home, other));
        assertThat(ones).as("processes of " + one.id()).isNotEmpty();
        assertThat(others).as("processes of " + other.id()).isNotEmpty().doesNotContainAnyElementsOf(ones);
    }

    @Override
    public void assertListensOnLoopbackOnly(Path home, AddonRecord record) {
        Set<Long> pids = treeOf(serverDirectory(home, record));
        List<InetSocketAddress> listening = Loopback.listeningAddressesOf(pids);
        assertThat(listening).as("TCP sockets processes " + pids + " of " + record.id() + " listen on").isNotEmpty()
                .allSatisfy(a -> assertThat(a.getAddress().isLoopbackAddress()).as(a + " is loopback").isTrue());
    }

    @Override
    public Set<Path> sharedMemoryOf(Path home, AddonRecord record) {
        return treeOf(serverDirectory(home, record)).stream()
                .flatMap(pid -> {
                    try {
                        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "maps")).stream();
                    } catch (IOException e) {
                        return Stream.of(); // exited meanwhile
                    }
                })
                .map(line -> line.indexOf(" /dev/shm/") < 0 ? null
                        : line.substring(line.indexOf(" /dev/shm/") + 1).replace(" (deleted)", ""))
                .filter(path -> path != null)
                .map(Path::of)
                .collect(Collectors.toSet());
    }

    @Override
    public void kill(Path home, AddonRecord record) {
        List<ProcessHandle> processes = processesUnder(serverDirectory(home, record));
        assertThat(processes).as("processes of " + record.id()).isNotEmpty();
        processes.forEach(ProcessHandle::destroyForcibly);
        processes.forEach(p -> p.onExit().join());
    }

    @Override
    public int killAll(Path home) {
        List<Path> servers;
        try (Stream<Path> listed = java.nio.file.Files.list(home.resolve("servers"))) {
            servers = listed.filter(java.nio.file.Files::isDirectory).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Every process first, then the waiting: they all die at the same moment.
        List<ProcessHandle> processes = servers.stream().flatMap(server -> {
            List<ProcessHandle> roots = processesUnder(server);
            assertThat(roots).as("processes of " + server.getFileName()).isNotEmpty();
            return Stream.concat(roots.stream(), roots.stream().flatMap(ProcessHandle::descendants));
        }).distinct().toList();
        processes.forEach(ProcessHandle::destroyForcibly);
        processes.forEach(p -> p.onExit().join());
        return servers.size();
    }

    /** The engines started in {@code directory} and their descendants (RabbitMQ's node runs its own epmd). */
    private static Set<Long> treeOf(Path directory) {
        List<ProcessHandle> roots = processesUnder(directory);
        return Stream.concat(roots.stream(), roots.stream().flatMap(ProcessHandle::descendants))
                .map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    private static Path serverDirectory(Path home, AddonRecord dedicated) {
        return home.resolve("servers").resolve(dedicated.id());
    }

    /**
     * The engines started in {@code directory}: the processes whose command line names a path under
     * it, or that work in it (memcached's command line names no path).
     */
    private static List<ProcessHandle> processesUnder(Path directory) {
        String marker = directory.toAbsolutePath().toString();
        Set<Long> working = workingUnder(directory);
        return ProcessHandle.allProcesses()
                .filter(p -> working.contains(p.pid())
                        || p.info().commandLine().map(c -> c.contains(marker + "/")).orElse(false))
                .toList();
    }

    private static Set<Long> workingUnder(Path directory) {
        try {
            return Set.copyOf(ServerProcesses.under(directory));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
