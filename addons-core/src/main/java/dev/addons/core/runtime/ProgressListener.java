package dev.addons.core.runtime;

/**
 * Hears how long work is going: steps of a start, bytes of a download. Implementations must be
 * thread-safe and quick. Messages never carry secrets.
 */
public interface ProgressListener {
    /** A listener that ignores everything. */
    ProgressListener NONE = new ProgressListener() {
        @Override
        public void step(String subject, String message) {
        }
    };

    /** Something started or finished, e.g. {@code ("postgresql-16", "initializing data directory")}. */
    void step(String subject, String message);

    /**
     * Part of a transfer is done.
     *
     * @param total the full size in bytes, or -1 when unknown
     */
    default void transfer(String subject, long done, long total) {
    }

    /**
     * Part of a transfer is done, saying what the transfer is, e.g. {@code downloading} or
     * {@code backing up}. By default heard as {@link #transfer(String, long, long)}.
     *
     * @param total the full size in bytes, or -1 when unknown
     */
    default void transfer(String subject, String activity, long done, long total) {
        transfer(subject, done, total);
    }
}
