package dev.addons.core;

import dev.addons.api.Variant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An addon that can be created here, as {@code list-available} shows it.
 *
 * @param name           the addon's name
 * @param aliases        other names it answers to
 * @param description    one line
 * @param versions        supported versions, oldest first, with whether the runtime new servers
 *                        run on has them
 * @param defaultVersion  the version a new addon declared without one gets on the runtime new
 *                        servers run on
 * @param variants        the variants offered
 * @param defaultVersions that version on each runtime on the class path, by runtime name, in
 *                        {@link Addons#runtimeNames()} order: the addon's own default on the
 *                        container and Kubernetes runtimes, the newest this host can serve on the
 *                        process runtime
 * @param defaultVariant  the variant a new addon declared without one gets; one of {@code variants}
 */
public record AddonInfo(
        String name, Set<String> aliases, String description, List<VersionInfo> versions, String defaultVersion,
        List<Variant> variants, Map<String, String> defaultVersions, String defaultVariant) {
    public AddonInfo {
        Objects.requireNonNull(name, "name == null");
        aliases = Set.copyOf(aliases);
        Objects.requireNonNull(description, "description == null");
        versions = List.copyOf(versions);
        Objects.requireNonNull(defaultVersion, "defaultVersion == null");
        variants = List.copyOf(variants);
        defaultVersions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(defaultVersions));
        Objects.requireNonNull(defaultVariant, "defaultVariant == null");
    }

    /** An addon whose default is {@code defaultVersion} on every runtime named and its first variant. */
    public AddonInfo(String name, Set<String> aliases, String description, List<VersionInfo> versions,
            String defaultVersion, List<Variant> variants) {
        this(name, aliases, description, versions, defaultVersion, variants, Map.of(), variants.get(0).name());
    }
}
