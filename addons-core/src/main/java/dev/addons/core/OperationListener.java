package dev.addons.core;

/**
 * Hears the creates, destroys, backups and restores an {@link Addons} runs, once each, when it
 * ends ({@link Addons#onOperation}): what metrics time and count. Heard are
 * <ul>
 * <li>creates that made the addon, made it again, started its server again on its data, or
 *     failed, including those an {@link App} refused before anything was recorded (a version
 *     that cannot be had, a name no provider has); not the creates that found the addon already
 *     there or waited for another thread's or process's creation of it (a deploy creates every
 *     declared addon; only those it had to make are heard);</li>
 * <li>destroys, from the call to the addon's removal or failure (a final backup is heard as a
 *     backup before it), also each addon's of an {@link Addons#destroyAll()};</li>
 * <li>backups of any trigger, and restores, including those refused (an addon without backups,
 *     a damaged archive).</li>
 * </ul>
 * Called on the thread that ran the operation, after it ended and before the call returns or
 * throws. Implementations must be thread-safe and quick; an exception thrown by a listener is
 * logged and ignored.
 *
 * @since 0.3
 */
@FunctionalInterface
public interface OperationListener {
    /** {@code operation} ended, well or not. */
    void onOperation(Operation operation);
}
