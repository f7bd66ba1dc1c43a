package dev.addons.cli;

import dev.addons.api.AddonRecord;
import dev.addons.api.Status;
import dev.addons.api.StatusListener;
import dev.addons.core.runtime.ProgressListener;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Prints status transitions as they happen ({@code postgresql (myapp/production): pending ->
 * provisioning}) and download progress as a line per tenth of the transfer, not a flood. Steps
 * are printed only when verbose. Thread-safe: deploys provision in parallel.
 */
final class Watcher implements StatusListener, ProgressListener {
    /** A transfer of unknown size is reported once per this many bytes. */
    private static final long UNKNOWN_SIZE_STEP = 10L * 1024 * 1024;

    private final PrintWriter out;
    private final boolean verbose;
    private final Map<String, Long> reported = new HashMap<>();

    Watcher(PrintWriter out, boolean verbose) {
        this.out = out;
        this.verbose = verbose;
    }

    @Override
    public synchronized void onTransition(AddonRecord record, Status from) {
        String why = record.message().isEmpty() ? "" : ": " + Failures.oneLine(record.message());
        // A new record has no status to come from (the facade passes null): show where it starts.
        String move = from == null ? label(record.status()) : label(from) + " -> " + label(record.status());
        out.println(subject(record) + ": " + move + why);
        out.flush();
    }

    @Override
    public synchronized void step(String subject, String message) {
        if (verbose) {
            out.println(subject + ": " + message);
            out.flush();
        }
    }

    @Override
    public void transfer(String subject, long done, long total) {
        transfer(subject, "downloading", done, total);
    }

    /** Prints every tenth of a known size, or every 10 MB of an unknown one. */
    @Override
    public synchronized void transfer(String subject, String activity, long done, long total) {
        long mark = total > 0 ? Math.min(10, done * 10 / total) : done / UNKNOWN_SIZE_STEP;
        Long last = reported.get(subject);
        if (last != null && mark <= last) {
            return;
        }
        reported.put(subject, mark);
        String line;
        if (total > 0) {
            line = String.format(Locale.ROOT, "%s: %s %d%% of %s", subject, activity, mark * 10, megabytes(total));
        } else if (activity.equals("downloading")) {
            line = String.format(Locale.ROOT, "%s: downloaded %s", subject, megabytes(done));
        } else {
            line = String.format(Locale.ROOT, "%s: %s, %s so far", subject, activity, megabytes(done));
        }
        out.println(line);
        out.flush();
    }

    /** How a record is named in progress lines: {@code postgresql (myapp/production)}. */
    static String subject(AddonRecord record) {
        return record.addon() + " (" + record.app() + "/" + record.environment() + ")";
    }

    static String label(Status status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1_000_000.0);
    }
}
