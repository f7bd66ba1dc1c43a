package dev.addons.core.internal;

import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.core.runtime.ServerReadiness;
import dev.addons.core.runtime.ServerReadiness.Liveness;
import dev.addons.core.runtime.ServerReadiness.NotReady;
import dev.addons.core.runtime.ServerReadiness.Pause;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Waits for a started server the way every runtime does: polls its definition's readiness check
 * until it passes, the server is found dead, or the definition's start timeout passes. The pause
 * between two checks is an eighth of the time waited so far, at least {@value #MIN_DELAY_MILLIS}
 * ms and at most {@value #MAX_DELAY_MILLIS} ms: a server that is ready after 15 ms (Valkey,
 * memcached) is seen within a few milliseconds of it, one that takes seconds is not asked more
 * than twenty times a second, and the wait overshoots readiness by at most an eighth (a quarter
 * was measured to cost PostgreSQL's 0.1 s start up to 25 ms). A failing check is cheap (a refused
 * connection, or PostgreSQL's "starting up") until the server is ready. Runtimes of other modules
 * wait through {@link ServerReadiness}, whose types these are. Stateless.
 */
public final class Readiness {
    static final long MIN_DELAY_MILLIS = 2;
    static final long MAX_DELAY_MILLIS = 50;

    private Readiness() {
    }

    /**
     * Says, before each check, whether the check may be sent: a check may carry the admin's
     * password, which must reach the server started and nothing else.
     */
    @FunctionalInterface
    public interface Guard {
        /** No guard: whatever listens on the server's ports is the server (e.g. ports a container engine holds). */
        Guard NONE = () -> Optional.empty();

        /**
         * Empty when the check may be sent now; else why not yet, which counts as a failed check.
         *
         * @throws PortOwners.Taken when another program listens on the server's port: it never will be
         * @throws Exception when it cannot tell, which counts as a failed check
         */
        Optional<String> whyNotYet() throws Exception;
    }

    /**
     * Returns when {@code definition}'s readiness check passes for {@code access}; throws
     * {@link NotReady} (caused by the check's last failure) when the server dies or time runs out.
     */
    public static void await(ServerDefinition definition, ServerAccess access, Liveness liveness, Pause pause)
            throws NotReady, InterruptedException {
        try {
            await(definition, access, liveness, pause, Guard.NONE);
        } catch (PortOwners.Taken e) {
            throw new IllegalStateException("no guard, so no port taken", e);
        }
    }

    /**
     * Like {@link #await(ServerDefinition, ServerAccess, Liveness, Pause)}, sending each check only
     * once {@code guard} allows it.
     *
     * @throws PortOwners.Taken when the guard finds another program on the server's port
     */
    public static void await(ServerDefinition definition, ServerAccess access, Liveness liveness, Pause pause,
            Guard guard) throws NotReady, PortOwners.Taken, InterruptedException {
        Duration timeout = definition.startTimeout();
        long begin = System.nanoTime();
        long deadline = begin + timeout.toNanos();
        while (true) {
            try {
                Optional<String> notYet = guard.whyNotYet();
                if (notYet.isPresent()) {
                    throw new NotSent(notYet.get());
                }
                definition.readiness().check(access);
                return;
            } catch (InterruptedException | PortOwners.Taken e) {
                throw e;
            } catch (Exception e) {
                Optional<String> dead = liveness.whyDead();
                if (dead.isPresent()) {
                    throw new NotReady(dead.get() + " before it was ready", e);
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new NotReady("the server was not ready within " + timeout, e);
                }
                pause.pause(Math.min(delay(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin)), left));
            }
        }
    }

    /** The pause before the next check, {@code waitedMillis} after the first one. */
    static long delay(long waitedMillis) {
        return Math.max(MIN_DELAY_MILLIS, Math.min(waitedMillis / 8, MAX_DELAY_MILLIS));
    }

    /** The first line of a throwable's message (or its type), for one-line reasons. */
    public static String firstLine(Throwable e) {
        return ServerReadiness.firstLine(e);
    }

    /** A check not sent: the guard did not allow it yet. */
    private static final class NotSent extends Exception {
        private static final long serialVersionUID = 1L;

        NotSent(String why) {
            super("not sent: " + why, null, false, false);
        }
    }
}
