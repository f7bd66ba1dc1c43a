package dev.addons.core;

import dev.addons.api.Variant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An addon that can be created here, as {@code list-available} shows it.
 *
 * @param name           the addon's name
 * @param aliases        other names it answers to
 * @param description    one line
 * @param versions       supported versions, oldest first, with whether the runtime has them
 * @param defaultVersion the version used when none is named
 * @param variants       the variants offered
 */
public record AddonInfo(
        String name, Set<String> aliases, String description, List<VersionInfo> versions, String defaultVersion,
        List<Variant> variants) {
    public AddonInfo {
        Objects.requireNonNull(name, "name == null");
        aliases = Set.copyOf(aliases);
        Objects.requireNonNull(description, "description == null");
        versions = List.copyOf(versions);
        Objects.requireNonNull(defaultVersion, "defaultVersion == null");
        variants = List.copyOf(variants);
    }
}
