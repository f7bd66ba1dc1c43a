package dev.addons.core.internal;

import dev.addons.api.AddonSpec;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.Variant;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.ConnectionLimitCapability;
import dev.addons.api.spi.ProviderDescriptor;
import dev.addons.api.spi.ServerRequest;
import dev.addons.core.runtime.Availability;
import dev.addons.core.runtime.ServerRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An {@link AddonSpec} checked against its provider and runtime: the addon exists, the variant
 * and version are offered, and the runtime can run that version. Nothing has been provisioned.
 *
 * @param provider the provider
 * @param variant  the resolved variant
 * @param version  the resolved version or image reference
 * @param runtime  the runtime a new server for it starts on
 * @param server   the id of the external server its tenant goes on, or {@code null} for a server
 *                 of the home's own (see {@link ExternalServers})
 * @param chosen   when no version was asked for, why {@code version} was taken (a new addon's
 *                 pending record says it); empty when it was asked for
 * @param sleepAfter how long its dedicated server may go without a client before a supervisor
 *                 puts it to sleep; {@code null} for never
 * @param connections the most sessions its tenant may have open at once on its shared server;
 *                 {@code null} for no limit (a dedicated variant, or an engine that limits none)
 */
public record ResolvedSpec(AddonProvider provider, Variant variant, String version, ServerRuntime runtime,
        String server, String chosen, java.time.Duration sleepAfter, Integer connections) {

    public ResolvedSpec {
        Objects.requireNonNull(provider, "provider == null");
        Objects.requireNonNull(variant, "variant == null");
        Objects.requireNonNull(version, "version == null");
        Objects.requireNonNull(runtime, "runtime == null");
        Objects.requireNonNull(chosen, "chosen == null");
    }

    /**
     * A spec whose version was asked for, whose server never sleeps, and whose tenant has the
     * default connection limit where it has one.
     */
    public ResolvedSpec(AddonProvider provider, Variant variant, String version, ServerRuntime runtime,
            String server) {
        this(provider, variant, version, runtime, server, "", null, defaultConnections(provider, variant));
    }

    /** This spec with its tenant allowed {@code limit} sessions at once ({@code null}: no limit). */
    public ResolvedSpec withConnections(Integer limit) {
        return new ResolvedSpec(provider, variant, version, runtime, server, chosen, sleepAfter, limit);
    }

    /** A spec for a server of the home's own, whose version was asked for. */
    public ResolvedSpec(AddonProvider provider, Variant variant, String version, ServerRuntime runtime) {
        this(provider, variant, version, runtime, null);
    }

    /** The runtime its addon's record names: {@code external} on an external server, else the runtime's. */
    public String runtimeName() {
        return server == null ? runtime.name() : ExternalServers.RUNTIME;
    }

    /** Checks {@code spec}; {@code where} prefixes messages (e.g. the app file). */
    public static ResolvedSpec resolve(AddonSpec spec, ProviderRegistry registry, ServerRuntime runtime, String where) {
        AddonProvider provider = registry.require(spec.addon());
        ProviderDescriptor descriptor = provider.descriptor();
        String name = descriptor.name();
        Variant variant = variant(descriptor, spec.variantIfSet().orElse(descriptor.defaultVariant()), where);
        String version = spec.versionIfSet().orElseGet(() -> runtime.defaultVersion(provider));
        checkVersion(descriptor, version, runtime.name(), where);
        Availability availability = availability(provider, version, runtime);
        if (!availability.canRun()) {
            throw new InvalidSpecException(where + name + " version '" + Names.printable(version)
                    + "' cannot run on the " + runtime.name() + " runtime: " + availability.detail()
                    + (AddonSpec.isImageReference(version) ? "" : " " + runnableVersions(provider, runtime)));
        }
        refuseSleep(spec, name, variant, runtime.name(), where);
        return new ResolvedSpec(provider, variant, version, runtime, null,
                spec.versionIfSet().isPresent() ? "" : chosen(provider, version, runtime), spec.sleepAfter(),
                connections(spec, provider, variant, where));
    }

    /**
     * The connection limit of {@code spec}'s tenant: the one it declares, or
     * {@link AddonSpec#DEFAULT_CONNECTIONS} on a shared variant of an engine that limits
     * connections; {@code null} for none. A declared limit is refused where it cannot hold (a
     * dedicated variant, an engine that limits none) and outside the engine's range.
     */
    static Integer connections(AddonSpec spec, AddonProvider provider, Variant variant, String where) {
        java.util.OptionalInt max = maxConnections(provider);
        if (spec.connections() == null) {
            return defaultConnections(provider, variant);
        }
        String declared = where + provider.descriptor().name() + " connections = " + spec.connections();
        if (max.isEmpty()) {
            throw new InvalidSpecException(declared + " is refused: " + provider.descriptor().name() + " limits no app's"
                    + " connections" + (provider.descriptor().hasSharedVariant() ? ""
                            : " (it has no shared variant; each app has a server of its own)")
                    + ". Allowed: no connections for " + provider.descriptor().name());
        }
        if (!variant.shared()) {
            throw new InvalidSpecException(declared + " is refused for variant '" + variant.name() + "': a dedicated"
                    + " server's app has the server to itself and no connection limit. Allowed: connections with"
                    + " variant = \"" + sharedVariant(provider) + "\"");
        }
        if (spec.connections() < 1 || spec.connections() > max.getAsInt()) {
            throw new InvalidSpecException(declared + " is out of range. Allowed: 1 to " + max.getAsInt() + " for a "
                    + provider.descriptor().name() + " app on a shared server");
        }
        return spec.connections();
    }

    /** {@link AddonSpec#DEFAULT_CONNECTIONS} (at most the engine's maximum) on a shared variant that has limits. */
    private static Integer defaultConnections(AddonProvider provider, Variant variant) {
        java.util.OptionalInt max = maxConnections(provider);
        return variant.shared() && max.isPresent() ? Math.min(AddonSpec.DEFAULT_CONNECTIONS, max.getAsInt()) : null;
    }

    private static java.util.OptionalInt maxConnections(AddonProvider provider) {
        return provider.capability(ConnectionLimitCapability.class)
                .map(c -> java.util.OptionalInt.of(c.maxTenantConnections())).orElse(java.util.OptionalInt.empty());
    }

    private static String sharedVariant(AddonProvider provider) {
        return provider.descriptor().sharedVariant().map(Variant::name).orElse("shared");
    }

    /** Why a version was taken when none was asked for, e.g. valkey 7 on the process runtime. */
    private static String chosen(AddonProvider provider, String version, ServerRuntime runtime) {
        ProviderDescriptor descriptor = provider.descriptor();
        String declared = descriptor.defaultVersion(runtime.name());
        if (version.equals(declared)) {
            return "no version asked; " + version + " is " + descriptor.name() + "'s default";
        }
        return "no version asked; " + version + " is the newest the " + runtime.name() + " runtime can serve here"
                + " (" + descriptor.name() + "'s default, " + declared + ", it cannot)";
    }

    /**
     * Refuses {@code sleep_after} where nothing can put the server to sleep safely: a shared
     * server serves other apps, and only the process runtime sees a server's client connections
     * (a container's published port is forwarded by Podman or Docker, so its connections are not
     * sockets of this host's; see README, "Keeping servers up").
     */
    static void refuseSleep(dev.addons.api.AddonSpec spec, String name, Variant variant, String runtime,
            String where) {
        if (spec.sleepAfter() == null) {
            return;
        }
        String declared = where + name + " sleep_after = \"" + dev.addons.api.AddonSpec.formatSleepAfter(
                spec.sleepAfter()) + "\"";
        if (variant.shared()) {
            throw new InvalidSpecException(declared + " is refused for variant '" + variant.name() + "': a shared"
                    + " server serves other apps too and is never put to sleep. Allowed: sleep_after on a dedicated"
                    + " variant");
        }
        if (!runtime.equals(dev.addons.core.internal.process.ProcessRuntime.NAME)) {
            throw new InvalidSpecException(declared + " is refused on the " + runtime + " runtime: only the process"
                    + " runtime sees a server's client connections. Allowed: sleep_after with runtime = \"process\""
                    + " (--runtime process)");
        }
    }

    private static Availability availability(AddonProvider provider, String version, ServerRuntime runtime) {
        return runtime.availability(provider.server(ServerRequest.builder(version).adminPassword("unused").build()));
    }

    /** For messages: the supported versions the runtime can run, which the user may ask for instead. */
    private static String runnableVersions(AddonProvider provider, ServerRuntime runtime) {
        List<String> versions = new ArrayList<>();
        List<String> described = new ArrayList<>();
        for (String version : provider.descriptor().versions()) {
            Availability availability = availability(provider, version, runtime);
            if (availability.canRun()) {
                versions.add(version);
                described.add(version + " (" + availability.state().label() + ": " + availability.detail() + ")");
            }
        }
        if (versions.isEmpty()) {
            return "The " + runtime.name() + " runtime can run no version of " + provider.descriptor().name() + " here.";
        }
        String which = versions.size() == 1 ? versions.get(0) : "...";
        return "Here the " + runtime.name() + " runtime can run " + provider.descriptor().name() + " " + String.join(", ", described)
                + ": use --version " + (versions.size() == 1 ? which : "with one of them") + ", or version = \""
                + which + "\" in the app file.";
    }

    /**
     * The variant named {@code wanted} of {@code descriptor}'s addon; refused naming the variants
     * there are. {@code where} prefixes the message.
     */
    public static Variant variant(ProviderDescriptor descriptor, String wanted, String where) {
        return descriptor.variant(wanted).orElseThrow(() -> new InvalidSpecException(where + descriptor.name()
                + " has no variant '" + Names.printable(wanted) + "'. Variants: "
                + descriptor.variants().stream().map(Variant::name).toList()));
    }

    /**
     * Refuses a {@code version} that is neither one of {@code descriptor}'s versions nor an image
     * reference, naming the versions there are, the default on {@code runtime}, and why a retired
     * version went. {@code where} prefixes the message.
     */
    public static void checkVersion(ProviderDescriptor descriptor, String version, String runtime, String where) {
        if (AddonSpec.isImageReference(version) || descriptor.versions().contains(version)) {
            return;
        }
        String retired = descriptor.retired().containsKey(version) ? ": " + descriptor.retired().get(version) : "";
        throw new InvalidSpecException(where + descriptor.name() + " version '" + Names.printable(version)
                + "' is not supported" + retired + ". Supported: " + descriptor.versions() + " (default "
                + descriptor.defaultVersion(runtime) + "), or a full image reference containing ':'");
    }
}
