package dev.addons.api.spi;

import dev.addons.api.Credentials;
import dev.addons.api.Endpoint;
import dev.addons.api.UnsupportedOperationAddonException;
import dev.addons.api.Variant;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One kind of addon, such as PostgreSQL. A provider describes its engine; it never starts a
 * process or a container itself. The runtime runs the {@link ServerDefinition} a provider
 * describes (as a child process, a container, ...), and the provider then works on the running
 * server through the {@link ServerAccess} it is given: it creates the app's tenant (database,
 * role, user, vhost) and turns what it created into the app's variables.
 *
 * <p>Providers are found with {@link java.util.ServiceLoader}: each engine module lists its
 * implementation in {@code META-INF/services/dev.addons.api.spi.AddonProvider}. They must have a
 * public no-arg constructor that does no I/O, hold no state but what they keep to save work
 * (PostgreSQL keeps its admin connections open between tenants), and be safe to call from many
 * threads at once. Everything an addon needs to be found again (passwords, names) lives in the
 * {@link Binding} it returns, which addons stores owner-only. Each {@code Addons} instance loads
 * providers of its own and {@linkplain #close() closes} them when it closes.
 *
 * <p>The lifecycle, as driven by addons:
 * <ol>
 *   <li>{@link #server(ServerRequest)}: describe the server for a version;</li>
 *   <li>the runtime starts it, or finds the running shared server, and waits until
 *       {@link ServerDefinition#readiness()} passes;</li>
 *   <li>{@link #provision(TenantRequest, ServerAccess)}: create the app's tenant on it;</li>
 *   <li>{@link #credentials(Binding, Endpoint)}: the variables, whenever they are asked for;</li>
 *   <li>{@link #deprovision(TenantRequest, Binding, ServerAccess)}: remove the tenant, before the
 *       runtime stops a dedicated server and deletes its data.</li>
 * </ol>
 */
public interface AddonProvider extends AutoCloseable {

    /**
     * What this provider offers: its name, aliases, variants, versions and defaults. addons reads
     * it once, when it loads the provider, and checks every requested variant and version against
     * it before the provider sees the request. Cheap, no I/O, the same value every time.
     *
     * @since 0.3
     */
    ProviderDescriptor descriptor();

    /**
     * Why an app cannot have a tenant named {@code tenant} on this engine's servers (the name
     * belongs to the server: a system database, the admin user...), or empty when it can: a
     * relative clause, e.g. {@code which PostgreSQL keeps for itself (postgres, ...)}. Asked
     * before anything is made, so that such an app is refused at once with this reason.
     *
     * @param tenant a name matching {@code [a-z][a-z0-9_]{0,62}}, as in {@link TenantRequest#tenant()}
     * @since 0.1.0
     */
    default java.util.Optional<String> tenantNameProblem(String tenant) {
        return java.util.Optional.empty();
    }

    /**
     * The most sessions a tenant of this engine's shared servers may be allowed at once
     * ({@link TenantRequest#connections()} ranges from 1 to this), or empty when this engine
     * limits no tenant's connections: an app asking for a limit is then refused. A provider that
     * returns a value applies the limit when it makes a shared tenant and implements
     * {@link #limitConnections}. Default: empty.
     *
     * @since 0.3
     */
    default java.util.OptionalInt maxTenantConnections() {
        return java.util.OptionalInt.empty();
    }

    /**
     * Sets the live tenant's limit to {@link TenantRequest#connections()} on its running shared
     * server, changing nothing else (PostgreSQL: {@code ALTER ROLE ... CONNECTION LIMIT}). Sessions
     * already open stay open; the new limit holds for the next one. Idempotent.
     *
     * @throws UnsupportedOperationAddonException when {@link #maxTenantConnections()} is empty
     * @since 0.3
     */
    default void limitConnections(TenantRequest request, Binding binding, ServerAccess server) {
        throw new UnsupportedOperationAddonException("not supported: " + descriptor().name() + " limits no tenant's connections");
    }

    /**
     * Describes the server to run for {@code request}'s version (one of the
     * {@linkplain #descriptor() descriptor}'s versions, or a full image reference for runtimes that
     * run images; addons has checked it, so the provider need not). Does no I/O.
     */
    ServerDefinition server(ServerRequest request);

    /**
     * Creates the app's tenant on a running server: for a database, its own database and a role
     * with a random password, marked as {@link ServerAccess#owner()}'s. Must be safe to retry after
     * a failure: an existing tenant of the same name this home made is replaced; on a server
     * addons did not start ({@link ServerAccess#ownsEverything()} false), one without the mark is
     * refused and left as it is. Throws {@link dev.addons.api.ProvisioningException} on failure.
     *
     * @return what {@link #credentials} and {@link #deprovision} need later; holds secrets
     */
    Binding provision(TenantRequest request, ServerAccess server);

    /** The app's variables for a tenant served at {@code endpoint}. Does no I/O. */
    Credentials credentials(Binding binding, Endpoint endpoint);

    /**
     * The names of the variables {@link #credentials} sets, known without a tenant, so that addons
     * tells them apart from a process's other variables with no knowledge of the engine (see
     * {@link AddonVariables}). A provider that declares them must set no other. Empty when the
     * provider declares none: its variables then never show that a platform injected addons.
     * Cheap, no I/O. Default: empty.
     *
     * @since 0.3
     */
    default java.util.Optional<AddonVariables> variables() {
        return java.util.Optional.empty();
    }

    /**
     * How JDBC reaches a tenant, for a SQL engine with a JDBC driver: an addon whose provider has
     * one is a SQL addon, which {@code Environment.dataSource()} and the JUnit extension's
     * {@code DataSource} connect to. Empty for other engines. Cheap, no I/O. Default: empty.
     *
     * @since 0.3
     */
    default java.util.Optional<JdbcUrl> jdbcUrl() {
        return java.util.Optional.empty();
    }

    /**
     * The Spring Boot properties one tenant's {@code credentials} map to, by name, in order, e.g.
     * {@code spring.datasource.url} and {@code spring.datasource.username}, or properties of the
     * engine's own client for an engine Spring Boot does not know: what the JUnit extension sets
     * as system properties with {@code frameworkProperties = true}. Values may be secrets.
     * Does no I/O. Default: none.
     *
     * @param credentials what {@link #credentials} returned for the tenant
     * @since 0.3
     */
    default java.util.Map<String, String> springBootProperties(Credentials credentials) {
        return java.util.Map.of();
    }

    /**
     * Removes the tenant and its data from a running server (on a shared server: its database
     * and role, after ending their connections). Idempotent: a tenant already gone is no error.
     * On a server addons did not start, only objects bearing {@link ServerAccess#owner()}'s mark
     * are removed; others of the tenant's name are left alone.
     */
    void deprovision(TenantRequest request, Binding binding, ServerAccess server);

    /**
     * Why this addon offers no backups, or empty when it does. Providers that implement
     * {@link #backup} and {@link #restore} return empty; the message otherwise names the reason,
     * e.g. {@code not supported: memcached is a cache}.
     */
    default java.util.Optional<String> backupUnsupportedReason() {
        return java.util.Optional.of("not supported: backups of " + descriptor().name() + " are not implemented");
    }

    /**
     * Writes a snapshot of the tenant's data to {@code out}, consistent as of one moment while the
     * server keeps serving writes (a logical dump in one transaction, an engine snapshot). The
     * format is the provider's own; addons wraps it in a checksummed, compressed archive. Must not
     * close {@code out}.
     *
     * @param tools the engine's tools next to the server
     * @throws UnsupportedOperationAddonException when {@link #backupUnsupportedReason()} is not empty
     */
    default void backup(TenantRequest request, Binding binding, ServerAccess server, ServerTools tools,
            OutputStream out) {
        throw new UnsupportedOperationAddonException(backupUnsupportedReason().orElse(
                "not supported: backups of " + descriptor().name()));
    }

    /**
     * The name of the format {@link #backup} is about to write for this tenant on this server,
     * for a provider that writes more than one (PostgreSQL: {@code pg_dump} or {@code physical});
     * addons records it in the archive's manifest. Default: empty, one format only.
     *
     * @since 0.2
     */
    default java.util.Optional<String> backupFormat(TenantRequest request, ServerTools tools) {
        return java.util.Optional.empty();
    }

    /**
     * Whether a dump in {@code payloadFormat} (as {@link #backupFormat} named it; null for a
     * provider with one format) restores only into a server of the major version it was taken on,
     * as a copy of a server's data files does (PostgreSQL: {@code physical}). addons then refuses,
     * before any of the dump is read, an archive whose manifest names another major version than
     * the target addon's. Default: false, the dump loads into any version.
     *
     * @since 0.2
     */
    default boolean versionBound(String payloadFormat) {
        return false;
    }

    /**
     * Replaces the tenant's data with a snapshot {@link #backup} wrote, possibly of another app's
     * tenant or on another server of the same engine (a clone of production into staging).
     * All or nothing: when it fails, the tenant's data must be as it was (restore into a new
     * database and swap, keep the old file until the new one loads, ...). Addons has verified the
     * archive's checksum, its engine and, for a {@link #versionBound} dump, its major version
     * before calling this. Must not close {@code in}.
     *
     * @throws UnsupportedOperationAddonException when {@link #backupUnsupportedReason()} is not empty
     */
    default void restore(TenantRequest request, Binding binding, ServerAccess server, ServerTools tools,
            InputStream in) {
        throw new UnsupportedOperationAddonException(backupUnsupportedReason().orElse(
                "not supported: restores of " + descriptor().name()));
    }

    /**
     * Cleans up after a {@link #restore} of the tenant that never ended because the process
     * running it died (addons calls this when it next opens the home, with the server running):
     * removes what the restore had made on the server (a scratch database, a renamed old one) and
     * leaves the tenant's data usable, as it was before the restore or as it would have been
     * after it. Must be safe to call when nothing is left. Default: nothing to clean.
     *
     * @since 0.1.0
     */
    default void cleanUpInterruptedRestore(TenantRequest request, Binding binding, ServerAccess server) {
    }

    /**
     * What of {@code version}'s backups cannot be done on the runtime named {@code runtime} on this
     * host, and why, before any server exists (shown by {@code list-available}): e.g. that a
     * shared PostgreSQL 16 on the process runtime has no {@code pg_dump} here. Empty when they all
     * can. Cheap (no network, no process). Default: empty.
     *
     * @since 0.2
     */
    default java.util.Optional<String> backupLimit(String version, String runtime) {
        return java.util.Optional.empty();
    }

    /**
     * Why the tenant {@code from}, on the server {@code tools} reach, cannot move to the variant
     * {@code to} by a backup and a restore, or empty when it can: a clause naming the reason and
     * the next step. Asked by a move before anything is made, so that a move that cannot succeed
     * is refused with this reason and nothing touched. Default: it can.
     *
     * @since 0.2
     */
    default java.util.Optional<String> moveProblem(TenantRequest from, ServerTools tools,
            dev.addons.api.Variant to) {
        return java.util.Optional.empty();
    }

    /**
     * Whether the tenant holds any data a restore would replace (tables, keys, queues...). A
     * restore over data needs to be forced.
     */
    default boolean hasData(TenantRequest request, Binding binding, ServerAccess server) {
        return true;
    }

    /**
     * A summary of the tenant's content for comparing two copies, e.g. each table's row count:
     * a migration between variants swaps the app's variables only when the copy's summary equals
     * the source's. Equal data must give equal summaries on any server of the engine.
     */
    default java.util.Map<String, String> summary(TenantRequest request, Binding binding, ServerAccess server) {
        throw new UnsupportedOperationAddonException("not supported: " + descriptor().name() + " cannot summarize its data");
    }

    /**
     * Whether {@link #provisionCopy} is implemented. Providers that implement it return true.
     *
     * @since 0.1.0
     */
    default boolean copiesTenants() {
        return false;
    }

    /**
     * Creates the tenant {@code request} as a copy of the tenant {@code source} on the same running
     * shared server, with a login of its own (PostgreSQL: {@code CREATE DATABASE ... TEMPLATE}, a
     * file copy that takes a fraction of a second): what a test run uses to give each test a fresh
     * copy of a prepared database. The source's sessions may be ended for it, its data is left as
     * it was. Must be safe to retry, as {@link #provision} is.
     *
     * @return what {@link #credentials} and {@link #deprovision} need later, as {@link #provision} returns
     * @throws UnsupportedOperationAddonException when {@link #copiesTenants()} is false
     * @since 0.1.0
     */
    default Binding provisionCopy(TenantRequest request, TenantRequest source, Binding sourceBinding,
            ServerAccess server) {
        throw new UnsupportedOperationAddonException("not supported: " + descriptor().name() + " cannot copy a tenant");
    }

    /**
     * Releases what this provider keeps between calls (PostgreSQL: its idle admin connections and
     * the thread that closes them), returning once they are released. Called once, by the
     * {@code Addons} instance that loaded the provider, when that instance closes; servers keep
     * running. Calls after it still work, without keeping anything. Throws nothing. Default:
     * nothing to release.
     *
     * @since 0.3
     */
    @Override
    default void close() {
    }
}
