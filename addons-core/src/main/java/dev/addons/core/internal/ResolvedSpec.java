package dev.addons.core.internal;

import dev.addons.api.AddonSpec;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.Variant;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.ServerRequest;
import dev.addons.core.runtime.Availability;
import dev.addons.core.runtime.ServerRuntime;
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
 */
public record ResolvedSpec(AddonProvider provider, Variant variant, String version, ServerRuntime runtime) {

    public ResolvedSpec {
        Objects.requireNonNull(provider, "provider == null");
        Objects.requireNonNull(variant, "variant == null");
        Objects.requireNonNull(version, "version == null");
        Objects.requireNonNull(runtime, "runtime == null");
    }

    /** Checks {@code spec}; {@code where} prefixes messages (e.g. the app file). */
    public static ResolvedSpec resolve(AddonSpec spec, ProviderRegistry registry, ServerRuntime runtime, String where) {
        AddonProvider provider = registry.require(spec.addon());
        String name = provider.name();
        Variant variant = variant(provider, spec.variantIfSet().orElse(Variant.DEFAULT), where);
        String version = spec.versionIfSet().orElse(provider.defaultVersion());
        if (!AddonSpec.isImageReference(version) && !provider.versions().contains(version)) {
            throw new InvalidSpecException(where + name + " version '" + Names.printable(version)
                    + "' is not supported. Supported: " + provider.versions() + " (default "
                    + provider.defaultVersion() + "), or a full image reference containing ':'");
        }
        Availability availability = runtime.availability(provider.server(new ServerRequest(version, "unused")));
        if (!availability.canRun()) {
            throw new InvalidSpecException(where + name + " version '" + Names.printable(version)
                    + "' cannot run on the " + runtime.name() + " runtime: " + availability.detail());
        }
        return new ResolvedSpec(provider, variant, version, runtime);
    }

    private static Variant variant(AddonProvider provider, String wanted, String where) {
        List<Variant> variants = provider.variants();
        return variants.stream().filter(v -> v.name().equals(wanted)).findFirst()
                .orElseThrow(() -> new InvalidSpecException(where + provider.name() + " has no variant '"
                        + Names.printable(wanted) + "'. Variants: " + variants.stream().map(Variant::name).toList()));
    }
}
