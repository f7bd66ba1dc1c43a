package dev.addons.core.runtime;

import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link RuntimeFactory#probe} found: a runtime made and ready for new servers, with what
 * it found (e.g. {@code a Docker API answered at unix:///run/podman/podman.sock (Podman Engine
 * 4.3.1)}), or why the runtime cannot be used here (e.g. {@code no Docker-API endpoint answered
 * (...)}). The reason is one line, holds no secret, and is shown as {@code auto}'s reason for its
 * choice. Immutable.
 *
 * @since 0.2
 */
public final class RuntimeProbe {
    private final ServerRuntime runtime;
    private final String reason;

    private RuntimeProbe(ServerRuntime runtime, String reason) {
        Objects.requireNonNull(reason, "reason == null");
        this.runtime = runtime;
        this.reason = reason.lines().findFirst().orElse(reason);
    }

    /** {@code runtime} can run new servers; {@code found} says what answered. */
    public static RuntimeProbe available(ServerRuntime runtime, String found) {
        return new RuntimeProbe(Objects.requireNonNull(runtime, "runtime == null"), found);
    }

    /** The runtime cannot be used here, because {@code why}. */
    public static RuntimeProbe unavailable(String why) {
        return new RuntimeProbe(null, why);
    }

    /** The runtime made, when it is available; its caller closes it. */
    public Optional<ServerRuntime> runtime() {
        return Optional.ofNullable(runtime);
    }

    /** What was found, or why the runtime is unavailable: one line. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return (runtime == null ? "unavailable: " : "available: ") + reason;
    }
}
