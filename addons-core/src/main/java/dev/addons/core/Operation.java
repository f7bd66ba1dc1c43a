package dev.addons.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One create, destroy, backup or restore that an {@link Addons} ran, as an
 * {@link OperationListener} hears it when it ends. Holds no secret (the failure's message is an
 * addons exception's, which never does).
 *
 * @param kind        what was done
 * @param addon       the provider's name, e.g. {@code postgresql} (never an alias); {@link #UNKNOWN}
 *                    when the name asked for is no provider's
 * @param app         the app's name
 * @param environment the environment
 * @param duration    how long it took, from the call to its end (waits for locks included)
 * @param failure     what it failed with; empty when it succeeded
 * @since 0.3
 */
public record Operation(Kind kind, String addon, String app, String environment, Duration duration,
        Optional<Throwable> failure) {

    /** {@link #addon()} of an operation on a name no provider has. */
    public static final String UNKNOWN = "unknown";

    /** What an {@link Operation} did. */
    public enum Kind {
        /** A create that made the addon (or its server again, on its data), or failed to. */
        CREATE,
        /** A destroy (its final backup, if any, is a {@link #BACKUP} of its own). */
        DESTROY,
        /** A backup, whatever triggered it: on request, scheduled, final or for a migration. */
        BACKUP,
        /** A restore of a backup into an addon (not the copy a migration makes: its backup is heard). */
        RESTORE
    }

    public Operation {
        Objects.requireNonNull(kind, "kind == null");
        Objects.requireNonNull(addon, "addon == null");
        Objects.requireNonNull(app, "app == null");
        Objects.requireNonNull(environment, "environment == null");
        Objects.requireNonNull(duration, "duration == null");
        Objects.requireNonNull(failure, "failure == null");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration is negative: " + duration);
        }
    }

    /** Whether it ended without an exception. */
    public boolean succeeded() {
        return failure.isEmpty();
    }
}
