package dev.addons.core.runtime;

import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.core.internal.Readiness;
import java.util.Optional;

/**
 * Waits for a started server the way addons' own runtimes do, for a runtime of another module
 * (the container runtime of {@code dev.addons:addons-container}): polls the definition's readiness
 * check until it passes, the server is found dead, or the definition's start timeout passes. The
 * pause between two checks grows with the time waited (a few milliseconds at first, at most 50),
 * so a server ready in 15 ms is seen within a few milliseconds and one that takes seconds is not
 * asked more than twenty times a second. Stateless; thread-safe.
 *
 * @since 0.2
 */
public final class ServerReadiness {
    private ServerReadiness() {
    }

    /** Says why a server that is not ready will never be: empty while it still runs. */
    @FunctionalInterface
    public interface Liveness {
        Optional<String> whyDead();
    }

    /** Waits up to {@code millis} before the next check; may return early, e.g. when the server exits. */
    @FunctionalInterface
    public interface Pause {
        void pause(long millis) throws InterruptedException;
    }

    /**
     * Returns when {@code definition}'s readiness check passes for {@code access}; throws
     * {@link NotReady} (caused by the check's last failure) when {@code liveness} finds the server
     * dead or the start timeout passes.
     */
    public static void await(ServerDefinition definition, ServerAccess access, Liveness liveness, Pause pause)
            throws NotReady, InterruptedException {
        Readiness.await(definition, access, liveness, pause);
    }

    /** The first line of a throwable's message (or its type), for one-line reasons. */
    public static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    /** Why a server did not become ready; its cause is the readiness check's last failure. */
    public static final class NotReady extends Exception {
        private static final long serialVersionUID = 1L;

        /** {@code message}, followed by the first line of the last check's failure, which is the cause. */
        public NotReady(String message, Exception cause) {
            super(message + " (last check: " + firstLine(cause) + ")", cause);
        }
    }
}
