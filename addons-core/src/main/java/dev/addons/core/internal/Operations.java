package dev.addons.core.internal;

import dev.addons.core.Operation;
import dev.addons.core.OperationListener;
import dev.addons.core.Subscription;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operation listeners of one {@code Addons}, and the timing of the operations they hear. A
 * failing listener is logged and skipped. Thread-safe.
 */
public final class Operations {
    private static final Logger LOG = LoggerFactory.getLogger(Operations.class);
    private final CopyOnWriteArrayList<Registered> listeners = new CopyOnWriteArrayList<>();

    /** Adds {@code listener}; closing the result removes it (this registration only, once). */
    public Subscription add(OperationListener listener) {
        Registered added = new Registered(Objects.requireNonNull(listener, "listener == null"));
        listeners.add(added);
        return () -> listeners.remove(added);
    }

    /** Runs {@code work}, begun at {@code began} ({@link System#nanoTime()}), and is heard when it ends. */
    public <T> T observe(Operation.Kind kind, String addon, String app, String environment, long began,
            Supplier<T> work) {
        T result;
        try {
            result = work.get();
        } catch (RuntimeException | Error e) {
            ended(kind, addon, app, environment, began, e);
            throw e;
        }
        ended(kind, addon, app, environment, began, null);
        return result;
    }

    /** {@code failure} ended an operation begun at {@code began} ({@link System#nanoTime()}). */
    public void failed(Operation.Kind kind, String addon, String app, String environment, long began,
            Throwable failure) {
        ended(kind, addon, app, environment, began, Objects.requireNonNull(failure, "failure == null"));
    }

    private void ended(Operation.Kind kind, String addon, String app, String environment, long began,
            Throwable failure) {
        if (listeners.isEmpty()) {
            return;
        }
        Operation operation = new Operation(kind, addon, app, environment,
                Duration.ofNanos(Math.max(0, System.nanoTime() - began)), Optional.ofNullable(failure));
        for (Registered listener : listeners) {
            try {
                listener.listener.onOperation(operation);
            } catch (RuntimeException e) {
                LOG.warn("An operation listener failed on the {} of {} ({}/{}): {}", kind, addon, app, environment,
                        e.toString());
            }
        }
    }

    /** One registration, removed by identity: closing one of two registrations of a listener leaves the other. */
    private static final class Registered {
        private final OperationListener listener;

        Registered(OperationListener listener) {
            this.listener = listener;
        }
    }
}
