package dev.addons.core.runtime;

import java.util.Objects;

/**
 * Whom a server belongs to, for runtimes that label or isolate servers by owner (the container
 * runtime names its labels and its network after it; the process runtime ignores it). A
 * dedicated server belongs to one addon of one app in one environment; a shared server belongs to
 * no app.
 *
 * @param app         the app; {@code null} for a shared server
 * @param environment the app's environment; {@code null} for a shared server
 * @param addon       the addon's name, e.g. {@code postgresql}
 */
public record Placement(String app, String environment, String addon) {
    public Placement {
        Objects.requireNonNull(addon, "addon == null");
        if ((app == null) != (environment == null)) {
            throw new IllegalArgumentException("app and environment must both be set or both be null");
        }
    }

    /** The dedicated server of an app's addon in an environment. */
    public static Placement dedicated(String app, String environment, String addon) {
        return new Placement(Objects.requireNonNull(app, "app == null"),
                Objects.requireNonNull(environment, "environment == null"), addon);
    }

    /** A server that belongs to no app: a shared server, or one started outside any app. */
    public static Placement shared(String addon) {
        return new Placement(null, null, addon);
    }

    /** Whether the server belongs to no app. */
    public boolean isShared() {
        return app == null;
    }
}
