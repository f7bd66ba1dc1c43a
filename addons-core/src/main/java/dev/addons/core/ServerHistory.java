package dev.addons.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What happened to an addon's server since it was made: how many times it was started again
 * after it went down by itself, and the last time it was found dead, with why (the engine's last
 * log lines). Never holds a secret.
 *
 * @param restarts      how many times it was started again after a crash
 * @param lastCrashAt   when it was last found dead; {@code null} when never
 * @param lastCrash     why; empty when never
 */
public record ServerHistory(int restarts, Instant lastCrashAt, String lastCrash) {
    /** A server that never went down. */
    public static final ServerHistory NONE = new ServerHistory(0, null, "");

    public ServerHistory {
        if (restarts < 0) {
            throw new IllegalArgumentException("restarts out of range: " + restarts);
        }
        Objects.requireNonNull(lastCrash, "lastCrash == null");
    }

    /** When it was last found dead, if ever. */
    public Optional<Instant> lastCrashTime() {
        return Optional.ofNullable(lastCrashAt);
    }
}
