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

    public AutoCloseable add(StatusListener listener) {
        listeners.add(java.util.Objects.requireNonNull(listener, "listener == null"));
        return () -> listeners.remove(listener);
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
