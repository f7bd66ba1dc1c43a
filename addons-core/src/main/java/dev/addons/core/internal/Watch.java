package dev.addons.core.internal;

/**
 * One concern of the {@link dev.addons.core.Supervisor}: looked at again on every tick of its
 * thread (about once a second), e.g. servers that died, addons idle long enough to sleep. A tick
 * must return quickly or hand long work to a thread of its own; it is never run concurrently with
 * itself. Failures are the watch's to log: the supervisor logs and swallows what a tick throws.
 */
public interface Watch extends AutoCloseable {

    /** A short name for logs, e.g. {@code crashes}. */
    String name();

    /** Runs once when the supervisor starts, before the first tick. */
    default void start() {
    }

    /** Looks again. */
    void tick();

    /** Releases what the watch holds (ports, threads); idempotent; throws nothing. */
    @Override
    default void close() {
    }
}
