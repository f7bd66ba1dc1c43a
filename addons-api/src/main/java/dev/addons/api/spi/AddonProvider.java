package dev.addons.api.spi;

import dev.addons.api.Credentials;
import dev.addons.api.Endpoint;

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
 * <p>What only some engines can do (backups, copies of a tenant, connection limits on a shared
 * server) is a {@link Capability} the provider implements, found with {@link #capability(Class)}.
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
     * This provider's capability of type {@code type} (one of the {@link Capability} interfaces,
     * e.g. {@link BackupCapability}), or empty when it has none: addons asks for one before each
     * optional operation and refuses the operation itself when it is absent, naming the engine,
     * the operation and the engines that can. The default returns this provider when it implements
     * {@code type}; a provider may override it to hand out a separate object, or to withhold a
     * capability a class it extends has. Cheap, no I/O, the same answer every time.
     *
     * @since 0.3
     */
    default <T extends Capability> java.util.Optional<T> capability(Class<T> type) {
        java.util.Objects.requireNonNull(type, "type == null");
        return type.isInstance(this) ? java.util.Optional.of(type.cast(this)) : java.util.Optional.empty();
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
