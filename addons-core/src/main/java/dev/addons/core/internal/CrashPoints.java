package dev.addons.core.internal;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A test seam for crash-safety tests: named points in the middle of long operations (a create,
 * a destroy, a deploy, a backup, a restore, a move, a stop, a start, a state write) where a test
 * kills the JVM with SIGKILL. Inert
 * unless the system property {@value #PROPERTY} names a point: then the first thread to reach
 * that point prints {@code addons-crash-point NAME} on standard output and blocks, so that the
 * test, reading that line, kills the JVM exactly there. If nobody kills it within
 * {@link #WAIT}, the operation fails, so a broken test ends rather than hangs.
 *
 * <p>In production the property is not set and {@link #reach} is one comparison with a constant
 * {@code null}. Thread-safe.
 */
public final class CrashPoints {
    /** The system property naming the point to stop at. */
    public static final String PROPERTY = "addons.crashPoint";
    /** What is printed, followed by the point's name, when the point is reached. */
    public static final String MARKER = "addons-crash-point ";
    static final Duration WAIT = Duration.ofMinutes(5);
    private static final String WANTED = System.getProperty(PROPERTY);

    private CrashPoints() {
    }

    /** Blocks here, after telling standard output, when the tests asked to crash at {@code name}. */
    public static void reach(String name) {
        if (WANTED == null || !WANTED.equals(name)) {
            return;
        }
        System.out.println(MARKER + name);
        System.out.flush();
        try {
            // Waits for a SIGKILL that ends the JVM; nothing counts the latch down.
            new CountDownLatch(1).await(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("crash point " + name + " was reached but the JVM was not killed");
    }
}
