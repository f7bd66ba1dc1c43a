package dev.addons.core;

import dev.addons.api.AddonRecord;
import java.util.Objects;

/**
 * What a health check of an addon found ({@link App#health}): whether it can serve now, and
 * what was seen, e.g. {@code its server postgresql-shared-15 accepts connections on 127.0.0.1:5432}
 * or {@code its engine (pid 4242) is stopped (SIGSTOP): ...}. Never holds a secret.
 *
 * @param addon   the addon's record (its status is what the state store says)
 * @param healthy whether it is ACTIVE and its server runs and accepts connections
 * @param detail  what was found, one line
 * @param history its server's restarts and last crash
 */
public record Health(AddonRecord addon, boolean healthy, String detail, ServerHistory history) {
    public Health {
        Objects.requireNonNull(addon, "addon == null");
        Objects.requireNonNull(detail, "detail == null");
        Objects.requireNonNull(history, "history == null");
    }
}
