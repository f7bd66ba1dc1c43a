package dev.addons.core.internal;

import dev.addons.api.AddonSpec;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.Variant;
import dev.addons.api.spi.AddonProvider;
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
 */
public record ResolvedSpec(AddonProvider provider, Variant variant, String version, ServerRuntime runtime,
        String server, String chosen, java.time.Duration sleepAfter) {

    public ResolvedSpec {
        Objects.requireNonNull(provider, "provider == null");
        Objects.requireNonNull(variant, "variant == null");
        Objects.requireNonNull(version, "version == null");
        Objects.requireNonNull(runtime, "runtime == null");
        Objects.requireNonNull(chosen, "chosen == null");
    }

    /** A spec whose version was asked for and whose server never sleeps. */
    public ResolvedSpec(AddonProvider provider, Variant variant, String version, ServerRuntime runtime,
            String server) {
        this(provider, variant, version, runtime, server, "", null);
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
        String name = provider.name();
        Variant variant = variant(provider, spec.variantIfSet().orElse(Variant.DEFAULT), where);
        String version = spec.versionIfSet().orElseGet(() -> runtime.defaultVersion(provider));
        if (!AddonSpec.isImageReference(version) && !provider.versions().contains(version)) {
            throw new InvalidSpecException(where + name + " version '" + Names.printable(version)
                    + "' is not supported. Supported: " + provider.versions() + " (default "
                    + provider.defaultVersion() + "), or a full image reference containing ':'");
        }
        Availability availability = availability(provider, version, runtime);
        if (!availability.canRun()) {
            throw new InvalidSpecException(where + name + " version '" + Names.printable(version)
                    + "' cannot run on the " + runtime.name() + " runtime: " + availability.detail()
                    + (AddonSpec.isImageReference(version) ? "" : " " + runnableVersions(provider, runtime)));
        }
        refuseSleep(spec, name, variant, runtime.name(), where);
        return new ResolvedSpec(provider, variant, version, runtime, null,
                spec.versionIfSet().isPresent() ? "" : chosen(provider, version, runtime), spec.sleepAfter());
    }

    /** Why a version was taken when none was asked for, e.g. valkey 7 on the process runtime. */
    private static String chosen(AddonProvider provider, String version, ServerRuntime runtime) {
        if (version.equals(provider.defaultVersion())) {
            return "no version asked; " + version + " is " + provider.name() + "'s default";
        }
        return "no version asked; " + version + " is the newest the " + runtime.name() + " runtime can serve here"
                + " (" + provider.name() + "'s default, " + provider.defaultVersion() + ", it cannot)";
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
        return runtime.availability(provider.server(new ServerRequest(version, "unused")));
    }

    /** For messages: the supported versions the runtime can run, which the user may ask for instead. */
    private static String runnableVersions(AddonProvider provider, ServerRuntime runtime) {
        List<String> versions = new ArrayList<>();
        List<String> described = new ArrayList<>();
        for (String version : provider.versions()) {
            Availability availability = availability(provider, version, runtime);
            if (availability.canRun()) {
                versions.add(version);
                described.add(version + " (" + availability.state().label() + ": " + availability.detail() + ")");
            }
        }
        if (versions.isEmpty()) {
            return "The " + runtime.name() + " runtime can run no version of " + provider.name() + " here.";
        }
        String which = versions.size() == 1 ? versions.get(0) : "...";
        return "Here the " + runtime.name() + " runtime can run " + provider.name() + " " + String.join(", ", described)
                + ": use --version " + (versions.size() == 1 ? which : "with one of them") + ", or version = \""
                + which + "\" in the app file.";
    }

    private static Variant variant(AddonProvider provider, String wanted, String where) {
        List<Variant> variants = provider.variants();
        return variants.stream().filter(v -> v.name().equals(wanted)).findFirst()
                .orElseThrow(() -> new InvalidSpecException(where + provider.name() + " has no variant '"
                        + Names.printable(wanted) + "'. Variants: " + variants.stream().map(Variant::name).toList()));
    }
}
