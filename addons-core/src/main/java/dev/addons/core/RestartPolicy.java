package dev.addons.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Supervisor} starts again a server that died: at once the first time, then after
 * {@code firstDelay}, doubling up to {@code maxDelay}; when the server has crashed
 * {@code maxCrashes} times within {@code window}, its addons are marked FAILED with the engine's
 * last log lines and it is left down until {@code addons start} (or a create, or {@code addons up}).
 *
 * @param firstDelay the wait before the second attempt; positive
 * @param maxDelay   the longest wait between attempts; at least {@code firstDelay}
 * @param maxCrashes the crashes within {@code window} that stop the restarts; at least 1
 * @param window     how far back crashes count; positive
 * @since 0.1.0
 */
public record RestartPolicy(Duration firstDelay, Duration maxDelay, int maxCrashes, Duration window) {
    /** 1 s doubling to 30 s; 5 crashes within 5 minutes stop the restarts. */
    public static final RestartPolicy DEFAULT = new RestartPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30), 5,
            Duration.ofMinutes(5));

    public RestartPolicy {
        Objects.requireNonNull(firstDelay, "firstDelay == null");
        Objects.requireNonNull(maxDelay, "maxDelay == null");
        Objects.requireNonNull(window, "window == null");
        if (firstDelay.isNegative() || firstDelay.isZero()) {
            throw new IllegalArgumentException("firstDelay must be positive: " + firstDelay);
        }
        if (maxDelay.compareTo(firstDelay) < 0) {
            throw new IllegalArgumentException("maxDelay must be at least firstDelay (" + firstDelay + "): " + maxDelay);
        }
        if (maxCrashes < 1) {
            throw new IllegalArgumentException("maxCrashes must be at least 1: " + maxCrashes);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive: " + window);
        }
    }

    /**
     * The wait before the attempt that follows the {@code crashes}-th crash within the window:
     * none after the first, then {@code firstDelay}, doubling up to {@code maxDelay}.
     */
    public Duration delayAfter(int crashes) {
        if (crashes <= 1) {
            return Duration.ZERO;
        }
        Duration delay = firstDelay;
        for (int i = 2; i < crashes && delay.compareTo(maxDelay) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }
}
