package dev.addons.core.runtime;

import java.util.Objects;

/**
 * Whether a runtime can run a server for a version, and how.
 *
 * @param state  how the binaries or image can be had
 * @param detail for people, e.g. {@code /usr/lib/postgresql/15/bin} or the artifact to fetch
 */
public record Availability(State state, String detail) {
    public Availability {
        Objects.requireNonNull(state, "state == null");
        Objects.requireNonNull(detail, "detail == null");
    }

    /** How a version's binaries or image can be had. */
    public enum State {
        /** On this host already (installed binaries, a local image). */
        INSTALLED,
        /** Fetched earlier and kept in the addons cache. */
        CACHED,
        /** Will be fetched on first use. */
        DOWNLOADABLE,
        /** Cannot run here; the detail says why. */
        UNAVAILABLE;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public boolean canRun() {
        return state != State.UNAVAILABLE;
    }
}
