package dev.addons.core.internal;

import dev.addons.api.AddonRecord;
import dev.addons.api.Status;
import dev.addons.api.StatusListener;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Status listeners of one {@code Addons}; a failing listener is logged and skipped. Thread-safe. */
public final class Listeners {
    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);
    private final CopyOnWriteArrayList<StatusListener> listeners = new CopyOnWriteArrayList<>();

    /** Adds {@code listener}; closing the result removes it (this registration only, once). */
    public dev.addons.core.Subscription add(StatusListener listener) {
        StatusListener added = new Registered(java.util.Objects.requireNonNull(listener, "listener == null"));
        listeners.add(added);
        return () -> listeners.remove(added);
    }

    /**
     * One registration of a listener, removed by identity: closing one of two registrations of
     * the same listener leaves the other.
     */
    private static final class Registered implements StatusListener {
        private final StatusListener listener;

        Registered(StatusListener listener) {
            this.listener = listener;
        }

        @Override
        public void onTransition(AddonRecord record, Status from) {
            listener.onTransition(record, from);
        }
    }

    void fire(AddonRecord record, Status from) {
        LOG.info("{} - {} ({}/{}): {} -> {}{}", record.id(), record.addon(), record.app(), record.environment(),
                from == null ? "new" : from.name().toLowerCase(java.util.Locale.ROOT),
                record.status().name().toLowerCase(java.util.Locale.ROOT),
                record.message().isEmpty() ? "" : " (" + record.message() + ")");
        for (StatusListener listener : listeners) {
            try {
                listener.onTransition(record, from);
            } catch (RuntimeException e) {
                LOG.warn("A status listener failed on {}: {}", record.id(), e.toString());
            }
        }
    }
}
