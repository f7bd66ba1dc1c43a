package dev.addons.testkit;

import dev.addons.api.Endpoint;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link AddonScenarios} needs to know of an engine: its addon, what to ask for on each
 * runtime, the variables it hands over, and how an app uses it with nothing but those variables
 * (its ordinary client, real work). Implementations are stateless and thread-safe.
 */
public interface EngineUnderTest {

    /** The addon's name, e.g. {@code postgresql}. */
    String addon();

    /** The version the process runtime serves on these machines, e.g. {@code 15} (Debian's package). */
    String processVersion();

    /**
     * The local test image that honours the official image's contract, asked for as a custom
     * image on the container runtime, e.g. {@code localhost/addons-test/postgres:15} (built by
     * {@code .ci/containers} from {@code .ci/images/<engine>/}).
     */
    String testImage();

    /** The names of the variables an addon hands over, in their order. */
    List<String> variables();

    /** The server the variables lead to. */
    Endpoint endpoint(Map<String, String> variables);

    /** Stores {@code value} under {@code key}, connecting with the ordinary client and the variables only. */
    void write(Map<String, String> variables, String key, String value) throws Exception;

    /** What {@link #write} stored under {@code key}, connecting the same way; empty when nothing is. */
    Optional<String> read(Map<String, String> variables, String key) throws Exception;

    /** Whether data outlives a restart of the server (an in-memory cache's does not). */
    default boolean keepsDataAcrossRestart() {
        return true;
    }

    /**
     * Makes what was written so far survive a crash of the server, where the engine does not do
     * that for every write by itself (Valkey's RDB snapshots: a crash loses the writes since the
     * last one). Nothing by default: the engine's writes are durable once they return.
     */
    default void checkpoint(Map<String, String> variables) throws Exception {
    }

    /**
     * Whether a server of the engine run as a host process keeps files in {@code /dev/shm}
     * (PostgreSQL's dynamic shared memory), which the scenarios then require to find and to see go.
     */
    default boolean usesSharedMemoryFiles() {
        return false;
    }

    /**
     * Stores something a backup keeps (rows, keys; for a broker, definitions rather than
     * messages); by default what {@link #write} stores.
     */
    default void writeKept(Map<String, String> variables, String key, String value) throws Exception {
        write(variables, key, value);
    }

    /** What {@link #writeKept} stored under {@code key}; empty when nothing is. */
    default Optional<String> readKept(Map<String, String> variables, String key) throws Exception {
        return read(variables, key);
    }
}
