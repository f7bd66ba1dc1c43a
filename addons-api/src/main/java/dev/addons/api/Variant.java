package dev.addons.api;

import java.util.Objects;

/**
 * A way an addon can be run, such as {@code small} (a dedicated server) or {@code shared} (a
 * database of its own on a server shared with other apps).
 *
 * @param name        the name used in app files and on the command line
 * @param description one line for listings
 * @param shared      whether the addon gets a tenant on a shared server rather than a server of
 *                    its own
 */
public record Variant(String name, String description, boolean shared) {
    /** The variant used when none is named. */
    public static final String DEFAULT = "small";

    public Variant {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(description, "description == null");
        if (!name.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("variant name must match [a-z][a-z0-9-]*: " + name);
        }
    }

    /** The dedicated-server variant. */
    public static Variant small(String description) {
        return new Variant("small", description, false);
    }

    /** The shared-server variant. */
    public static Variant sharedVariant(String description) {
        return new Variant("shared", description, true);
    }
}
