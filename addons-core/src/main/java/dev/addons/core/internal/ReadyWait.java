package dev.addons.core.internal;

import dev.addons.api.AddonException;
import dev.addons.api.AddonRecord;
import dev.addons.api.ProvisioningException;
import dev.addons.api.Status;
import dev.addons.api.StatusListener;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Holds a caller until every addon of an app in an environment is ready, whichever process is
 * provisioning them: it reads the home's records, so it sees another JVM's create or deploy. Ready
 * is {@link Status#ACTIVE}, or {@link Status#SLEEPING} (its first client wakes it); {@code pending}
 * and {@code provisioning} are waited for, and so is an app with no addons yet (a deploy about to
 * record them). {@code failed}, {@code stopped} and {@code deprovisioning} end the wait with an
 * error naming the addon. Stateless; thread-safe.
 */
public final class ReadyWait {
    private static final Duration POLL = Duration.ofMillis(100);

    private ReadyWait() {
    }

    /**
     * Waits up to {@code timeout}; tells {@code seen} each status it sees an addon in (the first
     * with {@code from == null}, as a new record is heard) and returns the ready records. Throws
     * {@link ProvisioningException} naming the addon and its status when one cannot become ready,
     * or the addons still not ready when the timeout passes.
     */
    public static List<AddonRecord> await(StateStore store, String app, String environment, Duration timeout,
            StatusListener seen) {
        Instant deadline = Instant.now().plus(timeout);
        Map<String, Status> last = new HashMap<>();
        while (true) {
            List<AddonRecord> records = store.addons().stream().map(AddonState::record)
                    .filter(r -> r.app().equals(app) && r.environment().equals(environment)
                            && r.status() != Status.DESTROYED)
                    .toList();
            for (AddonRecord record : records) {
                Status before = last.put(record.id(), record.status());
                if (before != record.status()) {
                    seen.onTransition(record, before);
                }
            }
            for (AddonRecord record : records) {
                refuseWhatCannotBecomeReady(record);
            }
            List<AddonRecord> waiting = records.stream().filter(r -> !ready(r.status())).toList();
            if (!records.isEmpty() && waiting.isEmpty()) {
                return records;
            }
            if (!Instant.now().isBefore(deadline)) {
                throw new ProvisioningException(records.isEmpty()
                        ? app + " has no addons in " + environment + " after waiting " + format(timeout)
                                + ": create or deploy them, or run without --wait"
                        : "still waiting after " + format(timeout) + ": " + waiting.stream()
                                .map(r -> subject(r) + " is " + label(r.status()))
                                .collect(Collectors.joining(", ")));
            }
            pause();
        }
    }

    private static boolean ready(Status status) {
        return status == Status.ACTIVE || status == Status.SLEEPING;
    }

    private static void refuseWhatCannotBecomeReady(AddonRecord record) {
        String subject = subject(record);
        switch (record.status()) {
            case FAILED -> throw new ProvisioningException(subject + " is failed: " + record.message()
                    + "; create it again, or destroy it");
            case STOPPED -> throw new ProvisioningException(subject + " is stopped: start it with 'addons start "
                    + record.addon() + " -a " + record.app() + " --env " + record.environment() + "'");
            case DEPROVISIONING -> throw new ProvisioningException(subject + " is being destroyed");
            default -> {
            }
        }
    }

    private static String subject(AddonRecord record) {
        return record.addon() + " of " + record.app() + "/" + record.environment();
    }

    private static String label(Status status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    /** A timeout as people write it: {@code 30s}, {@code 5m}, {@code 1h}, {@code 1500ms}. */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 1000 != 0) {
            return millis + "ms";
        }
        long seconds = millis / 1000;
        if (seconds % 3600 == 0 && seconds > 0) {
            return seconds / 3600 + "h";
        }
        return seconds % 60 == 0 && seconds > 0 ? seconds / 60 + "m" : seconds + "s";
    }

    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AddonException("Interrupted while waiting for addons to be active", e);
        }
    }
}
