package dev.addons.api;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where an addon is in its lifecycle. A create goes {@code PENDING -> PROVISIONING -> ACTIVE},
 * or ends in {@code FAILED} with a reason; creating a failed addon again starts over from
 * {@code PENDING}; a destroy goes {@code DEPROVISIONING -> DESTROYED} from any status; an addon
 * that failed because its server died goes back to {@code ACTIVE} when its server is started
 * again on its data. An ACTIVE addon's dedicated server may be {@code STOPPED} on purpose, or put
 * to {@code SLEEPING} while idle; both keep their data and port and go back to {@code ACTIVE}.
 */
public enum Status {
    /** The addon is recorded; nothing has been started yet. */
    PENDING,
    /** Its server or database is being created. */
    PROVISIONING,
    /** Ready: its credentials work. */
    ACTIVE,
    /** Provisioning failed, or its server was found dead. The record's message says why. */
    FAILED,
    /**
     * Its server was stopped on purpose ({@code addons stop}); data, port and variables are kept
     * and nothing starts it but {@code addons start}.
     *
     * @since 0.1.0
     */
    STOPPED,
    /**
     * Its server was stopped because no client used it for a while; a supervisor holds its port
     * and starts it again when a client connects.
     *
     * @since 0.1.0
     */
    SLEEPING,
    /** Its server or database is being removed, with its data. */
    DEPROVISIONING,
    /** Removed with its data. */
    DESTROYED;

    /** Whether an addon in this status may move to {@code next}. */
    public boolean canMoveTo(Status next) {
        return allowedNext().contains(next);
    }

    private Set<Status> allowedNext() {
        switch (this) {
            case PENDING:
                return EnumSet.of(PROVISIONING, FAILED, DEPROVISIONING);
            case PROVISIONING:
                return EnumSet.of(ACTIVE, FAILED, DEPROVISIONING);
            case ACTIVE:
                return EnumSet.of(FAILED, DEPROVISIONING, STOPPED, SLEEPING);
            case FAILED:
                return EnumSet.of(PENDING, DEPROVISIONING, ACTIVE, STOPPED);
            case STOPPED:
                return EnumSet.of(ACTIVE, FAILED, DEPROVISIONING);
            case SLEEPING:
                return EnumSet.of(ACTIVE, FAILED, DEPROVISIONING, STOPPED);
            case DEPROVISIONING:
                return EnumSet.of(DESTROYED, FAILED);
            default:
                return EnumSet.noneOf(Status.class);
        }
    }
}
