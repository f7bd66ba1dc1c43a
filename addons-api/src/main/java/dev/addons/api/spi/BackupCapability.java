package dev.addons.api.spi;

import dev.addons.api.Variant;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;

/**
 * Backups and restores of a tenant's data, and what builds on them: moves between variants and
 * the final backup before a destroy. A provider without it (a cache, whose data nobody needs to
 * keep) has none of these: addons refuses them, and destroys its addons with no final backup.
 *
 * @since 0.3
 */
public interface BackupCapability extends Capability {

    /**
     * Writes a snapshot of the tenant's data to {@code out}, consistent as of one moment while the
     * server keeps serving writes (a logical dump in one transaction, an engine snapshot). The
     * format is the provider's own; addons wraps it in a checksummed, compressed archive. Must not
     * close {@code out}.
     *
     * @param tools the engine's tools next to the server
     */
    void backup(TenantRequest request, Binding binding, ServerAccess server, ServerTools tools, OutputStream out);

    /**
     * Replaces the tenant's data with a snapshot {@link #backup} wrote, possibly of another app's
     * tenant or on another server of the same engine (a clone of production into staging).
     * All or nothing: when it fails, the tenant's data must be as it was (restore into a new
     * database and swap, keep the old file until the new one loads, ...). Addons has verified the
     * archive's checksum, its engine and, for a {@link #versionBound} dump, its major version
     * before calling this. Must not close {@code in}.
     */
    void restore(TenantRequest request, Binding binding, ServerAccess server, ServerTools tools, InputStream in);

    /**
     * Whether the tenant holds any data a restore would replace (tables, keys, queues...). A
     * restore over data needs to be forced; a destroy takes a final backup only of data.
     */
    boolean hasData(TenantRequest request, Binding binding, ServerAccess server);

    /**
     * A summary of the tenant's content for comparing two copies, e.g. each table's row count:
     * a migration between variants swaps the app's variables only when the copy's summary equals
     * the source's. Equal data must give equal summaries on any server of the engine.
     */
    Map<String, String> summary(TenantRequest request, Binding binding, ServerAccess server);

    /**
     * The name of the format {@link #backup} is about to write for this tenant on this server,
     * for a provider that writes more than one (PostgreSQL: {@code pg_dump} or {@code physical});
     * addons records it in the archive's manifest. Default: empty, one format only.
     */
    default Optional<String> backupFormat(TenantRequest request, ServerTools tools) {
        return Optional.empty();
    }

    /**
     * Whether a dump in {@code payloadFormat} (as {@link #backupFormat} named it; null for a
     * provider with one format) restores only into a server of the major version it was taken on,
     * as a copy of a server's data files does (PostgreSQL: {@code physical}). addons then refuses,
     * before any of the dump is read, an archive whose manifest names another major version than
     * the target addon's. Default: false, the dump loads into any version.
     */
    default boolean versionBound(String payloadFormat) {
        return false;
    }

    /**
     * Cleans up after a {@link #restore} of the tenant that never ended because the process
     * running it died (addons calls this when it next opens the home, with the server running):
     * removes what the restore had made on the server (a scratch database, a renamed old one) and
     * leaves the tenant's data usable, as it was before the restore or as it would have been
     * after it. Must be safe to call when nothing is left. Default: nothing to clean.
     */
    default void cleanUpInterruptedRestore(TenantRequest request, Binding binding, ServerAccess server) {
    }

    /**
     * What of {@code version}'s backups cannot be done on the runtime named {@code runtime} on this
     * host, and why, before any server exists (shown by {@code list-available}): e.g. that a
     * shared PostgreSQL 16 on the process runtime has no {@code pg_dump} here. Empty when they all
     * can. Cheap (no network, no process). Default: empty.
     */
    default Optional<String> backupLimit(String version, String runtime) {
        return Optional.empty();
    }

    /**
     * Why the tenant {@code from}, on the server {@code tools} reach, cannot move to the variant
     * {@code to} by a backup and a restore, or empty when it can: a clause naming the reason and
     * the next step. Asked by a move before anything is made, so that a move that cannot succeed
     * is refused with this reason and nothing touched. Default: it can.
     */
    default Optional<String> moveProblem(TenantRequest from, ServerTools tools, Variant to) {
        return Optional.empty();
    }
}
