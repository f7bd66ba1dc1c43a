package dev.addons.testkit;

import dev.addons.api.AddonRecord;
import java.nio.file.Path;
import java.util.Set;

/**
 * A runtime {@link AddonScenarios} run on, with the checks that differ between runtimes: what to
 * ask for, what is left of a home's servers, how two apps' servers are kept apart, and how to
 * kill a server behind addons' back. Get one with {@link #process()} or {@link #container()}.
 */
public interface RuntimeUnderTest extends AutoCloseable {

    /** The process runtime: engine binaries on this host. */
    static RuntimeUnderTest process() {
        return new ProcessRuntimeUnderTest();
    }

    /** The container runtime, through the Docker API there is (Podman's service in CI). */
    static RuntimeUnderTest container() {
        return new ContainerRuntimeUnderTest();
    }

    /** The runtime's name, as the builder, the app file and {@code --runtime} take it. */
    String name();

    /**
     * Called before the scenarios. The container runtime aborts them when no Docker-API endpoint
     * exists at all, and fails them in CI ({@code CI=true}), which always has one.
     */
    void requireAvailable();

    /** The version to ask for: the installed version on the process runtime, the test image on the container runtime. */
    String version(EngineUnderTest engine);

    /** A version this runtime cannot have, which must be refused before anything is created. */
    String unavailableVersion(EngineUnderTest engine);

    /** What the refusal of {@link #unavailableVersion} says. */
    String unavailableMessage(EngineUnderTest engine);

    /** Asserts that nothing of the home's servers is left: no process or directory; no container, volume or network. */
    void assertNothingLeft(Path home);

    /** Asserts that two apps' dedicated servers are apart (their own processes; their own, unreachable networks). */
    void assertSeparated(Path home, AddonRecord one, AddonRecord other, EngineUnderTest engine, int otherPort);

    /**
     * Asserts that the dedicated server of {@code record} can be reached on loopback only: on the
     * process runtime every TCP socket its processes listen on is bound to a loopback address
     * (and there is at least one); on the container runtime every port it publishes is bound to
     * 127.0.0.1 on the host (inside, it listens on the app's own network).
     */
    void assertListensOnLoopbackOnly(Path home, AddonRecord record);

    /**
     * The files in {@code /dev/shm} that the processes of {@code record}'s dedicated server have
     * mapped (PostgreSQL's dynamic shared memory), which must be gone once it is destroyed; none
     * where the server's {@code /dev/shm} is its own (a container's).
     */
    default Set<Path> sharedMemoryOf(Path home, AddonRecord record) {
        return Set.of();
    }

    /**
     * The ids of the servers the runtime holds for the home, running or not: the directories under
     * {@code <home>/servers/} on the process runtime; the containers and volumes labelled with the
     * home on the container runtime.
     */
    Set<String> serversOf(Path home);

    /** Kills the dedicated server of {@code record} behind addons' back, and waits until it is dead. */
    void kill(Path home, AddonRecord record);

    /**
     * Kills every server of the home with SIGKILL at once, as a power cut would end them, and
     * waits until all are dead; returns how many servers it killed.
     */
    int killAll(Path home);

    /** Releases what the checks hold (a Docker client). */
    @Override
    default void close() {
    }
}
