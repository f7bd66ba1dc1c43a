package dev.addons.core;

/**
 * A listener's registration, such as {@link Addons#onTransition}'s: closing it removes the
 * listener, which hears nothing more once {@code close} returns. Idempotent; thread-safe.
 *
 * @since 0.3
 */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
    /** Removes the listener; does nothing the second time. */
    @Override
    void close();
}
