package dev.addons.core.internal;

import dev.addons.api.AddonNotFoundException;
import dev.addons.api.AddonSpec;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.ProvisioningException;
import dev.addons.api.Variant;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.Redaction;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.api.spi.ServerRequest;
import dev.addons.core.ServerInfo;
import dev.addons.core.runtime.RunningServer;
import dev.addons.core.runtime.ServerRuntime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The external servers of a home: servers addons did not start and never stops, registered with
 * their admin credentials, on which {@code shared} addons naming them get their tenant. Each is a
 * server record of runtime {@link #RUNTIME} (owner-only, as every record), so the lifecycle
 * provisions and deprovisions on it as on the home's own shared server, while no runtime ever
 * sees it: nothing starts, restarts, stops or sweeps it. Thread-safe.
 */
public final class ExternalServers {
    /** The runtime name of external servers' records and of the addons on them. */
    public static final String RUNTIME = "external";
    /** The version recorded for external servers and their addons: addons does not choose it. */
    public static final String VERSION = "external";

    private static final Logger LOG = LoggerFactory.getLogger(ExternalServers.class);
    private static final Pattern NAME = Pattern.compile("[a-z](?:[a-z0-9]|-(?=[a-z0-9])){0,39}");
    private static final String ID_PREFIX = "external-";

    private final StateStore store;
    private final ProviderRegistry registry;

    public ExternalServers(StateStore store, ProviderRegistry registry) {
        this.store = store;
        this.registry = registry;
    }

    /** Whether {@code server} is an external server's record. */
    static boolean isExternal(ServerState server) {
        return RUNTIME.equals(server.runtime());
    }

    /** Attribute of an external server's record: whether server-wide changes are allowed. */
    private static final String SERVER_WIDE_CHANGES = "serverWideChanges";
    /** Attribute of an external server's record: the CA file verifying its TLS certificate. */
    private static final String TLS_CA_FILE = "tlsCaFile";

    /** The mark of what the home {@code homeId} makes on servers. */
    static String owner(String homeId) {
        return "addons:" + homeId;
    }

    /** How the external server {@code running} was registered to be treated. */
    static ServerAccess.External options(RunningServer running) {
        String caFile = running.attributes().get(TLS_CA_FILE);
        return new ServerAccess.External(Boolean.parseBoolean(running.attributes().get(SERVER_WIDE_CHANGES)),
                caFile == null ? null : java.nio.file.Path.of(caFile));
    }

    /** {@link #register(String, String, String, ServerAccess.External)} without server-wide changes or TLS. */
    public ServerInfo register(String name, String addon, String url) {
        return register(name, addon, url, new ServerAccess.External(false, null));
    }

    /**
     * Registers the server at {@code url} as {@code name} after checking that it answers as
     * {@code addon}'s engine with the URL's credentials (the provider's readiness check), over
     * verified TLS when {@code options} names a CA file (and then the URL must ask for it).
     */
    public ServerInfo register(String name, String addon, String url, ServerAccess.External options) {
        checkName(name);
        AddonProvider provider = registry.require(addon);
        if (provider.descriptor().variants().stream().noneMatch(Variant::shared)) {
            throw new InvalidSpecException("--addon " + provider.descriptor().name() + " has no shared variant, so it cannot have"
                    + " an external server. Addons with one: " + registry.all().stream()
                            .filter(p -> p.descriptor().hasSharedVariant()).map(p -> p.descriptor().name())
                            .toList());
        }
        ServerDefinition probe = provider.server(
                ServerRequest.builder(provider.descriptor().defaultVersion()).adminPassword("unused").build());
        ExternalUrl parsed = ExternalUrl.parse(url, provider, probe.container().port());
        if (parsed.verifyTls() != (options.tlsCaFile() != null)) {
            throw new InvalidSpecException(parsed.verifyTls()
                    ? "--url asks for verified TLS: add --ca-file FILE, the CA certificate(s) (PEM) that signed the"
                            + " server's certificate"
                    : "--ca-file " + options.tlsCaFile() + " needs a URL that asks for verified TLS: end it with ?"
                            + ExternalUrl.TLS_QUERIES);
        }
        if (options.tlsCaFile() != null && !java.nio.file.Files.isReadable(options.tlsCaFile())) {
            throw new InvalidSpecException("--ca-file " + options.tlsCaFile() + " is not a readable file: give the"
                    + " PEM file of the CA certificate(s) that signed the server's certificate");
        }
        String serverId = ID_PREFIX + name;
        ServerAccess access = new ServerAccess(serverId, parsed.endpoint(), parsed.adminUser(),
                parsed.adminPassword(), Map.of(), owner(store.homeId()), options);
        check(name, provider, parsed, access);
        return store.lockedServer(serverId, () -> store.locked(() -> {
            if (store.server(serverId).isPresent()) {
                throw new InvalidSpecException("An external server named '" + name + "' is registered already: "
                        + "remove it first, or choose another name. Registered: " + names());
            }
            Map<String, String> attributes = new java.util.HashMap<>(Map.of("name", name,
                    SERVER_WIDE_CHANGES, Boolean.toString(options.serverWideChanges())));
            if (options.tlsCaFile() != null) {
                attributes.put(TLS_CA_FILE, options.tlsCaFile().toString());
            }
            RunningServer running = new RunningServer(serverId, RUNTIME, parsed.endpoint(), attributes);
            ServerState server = new ServerState(serverId, provider.descriptor().name(), VERSION, RUNTIME, true,
                    parsed.adminUser(), parsed.adminPassword(), running, Instant.now(), null, false);
            store.save(server);
            LOG.info("{} - registered the external {} server at {} (admin {}, TLS {}, server-wide changes {})", name,
                    provider.descriptor().name(), parsed.endpoint(), parsed.adminUser(),
                    options.tlsCaFile() == null ? "as the driver negotiates" : "verified with " + options.tlsCaFile(),
                    options.serverWideChanges() ? "allowed" : "not allowed");
            return info(server);
        }));
    }

    private static void check(String name, AddonProvider provider, ExternalUrl parsed, ServerAccess access) {
        ServerDefinition definition = provider.server(ServerRequest.builder(provider.descriptor().defaultVersion())
                .adminPassword(parsed.adminPassword()).build());
        try {
            definition.readiness().check(access);
        } catch (Exception e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName()
                    : Redaction.of(parsed.adminPassword()).redact(e.getMessage());
            // The cause is not chained: a driver's exception may carry the password in its state.
            throw new ProvisioningException("External server '" + name + "': no " + provider.descriptor().name()
                    + " server accepted user " + parsed.adminUser() + " at " + parsed.endpoint() + ": "
                    + Names.printable(reason.lines().findFirst().orElse("")) + ". Check the URL's host, port,"
                    + " user and password, and that it is a " + provider.descriptor().name() + " server"
                    + access.tlsCaFile().map(ca -> " whose TLS certificate names the host "
                            + parsed.endpoint().host() + " and is signed by a CA in --ca-file " + ca).orElse(""),
                    null);
        }
    }

    /** The registered external servers, by name. */
    public List<ServerInfo> list() {
        return store.servers().stream().filter(ExternalServers::isExternal).map(this::info)
                .sorted(java.util.Comparator.comparing(ServerInfo::name)).toList();
    }

    /** Forgets the external server {@code name}; refused while addons are on it. Never touches the server. */
    public ServerInfo remove(String name) {
        String serverId = ID_PREFIX + checkName(name);
        return store.lockedServer(serverId, () -> store.locked(() -> {
            ServerState server = store.server(serverId).filter(ExternalServers::isExternal).orElseThrow(() ->
                    new AddonNotFoundException("No external server named '" + name + "'. Registered: " + names()));
            ServerInfo info = info(server);
            if (!info.tenants().isEmpty()) {
                throw new ProvisioningException("External server '" + name + "' still hosts " + info.tenants()
                        + ": destroy those addons first");
            }
            store.deleteServer(serverId);
            LOG.info("{} - forgot the external server at {}; it keeps running", name, server.running().endpoint());
            return info;
        }));
    }

    /**
     * {@code spec}, which names an external server, checked: the server is registered and of the
     * addon's engine, the variant is {@code shared}, no version is asked for.
     */
    public ResolvedSpec resolve(AddonSpec spec, ServerRuntime runtime, String where) {
        AddonProvider provider = registry.require(spec.addon());
        String name = spec.server();
        String variantName = spec.variantIfSet().orElse(provider.descriptor().defaultVariant());
        Variant variant = provider.descriptor().variant(variantName).orElse(null);
        if (variant == null || !variant.shared()) {
            throw new InvalidSpecException(where + "server = \"" + Names.printable(name) + "\" needs variant = \""
                    + provider.descriptor().sharedVariant().map(Variant::name).orElse("shared") + "\", not '" + Names.printable(variantName)
                    + "': only a shared addon goes on an external server");
        }
        ResolvedSpec.refuseSleep(spec, provider.descriptor().name(), variant, runtime.name(), where);
        if (spec.version() != null) {
            throw new InvalidSpecException(where + "version = \"" + Names.printable(spec.version())
                    + "\" cannot go with server = \"" + Names.printable(name)
                    + "\": an external server runs the version it runs. Remove the version");
        }
        ServerState server = NAME.matcher(name).matches()
                ? store.server(ID_PREFIX + name).filter(ExternalServers::isExternal).orElse(null)
                : null;
        if (server == null) {
            throw new InvalidSpecException(where + "no external server named '" + Names.printable(name)
                    + "'. Registered: " + names() + " (addons servers add NAME --addon " + provider.descriptor().name()
                    + " --url-file FILE)");
        }
        if (!server.engine().equals(provider.descriptor().name())) {
            throw new InvalidSpecException(where + "external server '" + name + "' is a " + server.engine()
                    + " server, not " + provider.descriptor().name());
        }
        return new ResolvedSpec(provider, variant, VERSION, runtime, server.serverId())
                .withConnections(ResolvedSpec.connections(spec, provider, variant, where));
    }

    private List<String> names() {
        return list().stream().map(ServerInfo::name).toList();
    }

    private ServerInfo info(ServerState server) {
        List<String> tenants = store.tenantsOf(server.serverId()).stream()
                .map(s -> s.record().app() + "/" + s.record().environment()).toList();
        ServerAccess.External options = options(server.running());
        return new ServerInfo(server.serverId().substring(ID_PREFIX.length()), server.engine(),
                server.running().endpoint(), server.adminUser(), tenants, options.serverWideChanges(),
                java.util.Optional.ofNullable(options.tlsCaFile()));
    }

    private static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidSpecException("server name '" + Names.printable(String.valueOf(name))
                    + "' is invalid: use 1-40 lower-case letters, digits and single '-', starting with a letter");
        }
        return name;
    }
}
