package dev.addons.api;

/**
 * Observes addons' status transitions. Called on the thread that made the transition, once per
 * transition, in order for each addon. Implementations must be thread-safe and quick; an
 * exception thrown by a listener is logged and ignored.
 */
@FunctionalInterface
public interface StatusListener {
    /**
     * @param record the addon as it is now (its new status is {@code record.status()})
     * @param from   the status it left, or {@code null} when the addon was just recorded (PENDING)
     */
    void onTransition(AddonRecord record, Status from);
}
