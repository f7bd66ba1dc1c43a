package dev.addons.api.spi;

import dev.addons.api.Variant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a provider offers, declared in one place and checked when it is made: its name and
 * aliases, its variants (which of them are shared is {@link Variant#shared()}) and the one used
 * when none is named, its versions and the one used when none is asked for, on any runtime or on
 * a runtime named. addons checks every requested variant and version against it before a
 * provider sees the request, so a provider need not check them again.
 *
 * @param name            the name used in app files and on the command line, e.g. {@code postgresql}:
 *                        matches {@code [a-z][a-z0-9-]*}
 * @param aliases         other names accepted for it, e.g. {@code redis} for {@code valkey}; same form
 * @param description     one line for listings
 * @param variants        the variants offered, names unique, at least one
 * @param defaultVariant  the variant used when none is named; one of {@code variants}
 * @param versions        the supported versions, oldest first, at least one
 * @param defaultVersion  the version used when none is asked for; one of {@code versions}
 * @param runtimeDefaults the version used when none is asked for on the runtime named by the key,
 *                        where it differs from {@code defaultVersion}; each one of {@code versions}
 * @param retired         versions once offered and no longer, with why: asked for, they are refused
 *                        saying so; none of {@code versions}
 * @since 0.3
 */
public record ProviderDescriptor(String name, Set<String> aliases, String description, List<Variant> variants,
        String defaultVariant, List<String> versions, String defaultVersion, Map<String, String> runtimeDefaults,
        Map<String, String> retired) {

    private static final String NAME = "[a-z][a-z0-9-]*";

    public ProviderDescriptor {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(description, "description == null");
        Objects.requireNonNull(defaultVariant, "defaultVariant == null");
        Objects.requireNonNull(defaultVersion, "defaultVersion == null");
        if (!name.matches(NAME)) {
            throw new IllegalArgumentException("name must match " + NAME + ": '" + name + "'");
        }
        aliases = Collections.unmodifiableSet(new LinkedHashSet<>(aliases));
        for (String alias : aliases) {
            if (!alias.matches(NAME) || alias.equals(name)) {
                throw new IllegalArgumentException(name + ": alias must match " + NAME + " and differ from the name: '"
                        + alias + "'");
            }
        }
        variants = List.copyOf(variants);
        versions = List.copyOf(versions);
        runtimeDefaults = Collections.unmodifiableMap(new LinkedHashMap<>(runtimeDefaults));
        retired = Collections.unmodifiableMap(new LinkedHashMap<>(retired));
        List<String> variantNames = variants.stream().map(Variant::name).toList();
        if (variantNames.isEmpty() || Set.copyOf(variantNames).size() != variantNames.size()) {
            throw new IllegalArgumentException(name + ": variants must be at least one, names unique: " + variantNames);
        }
        if (!variantNames.contains(defaultVariant)) {
            throw new IllegalArgumentException(name + ": default variant '" + defaultVariant
                    + "' is not one of the variants " + variantNames);
        }
        if (versions.isEmpty() || Set.copyOf(versions).size() != versions.size()) {
            throw new IllegalArgumentException(name + ": versions must be at least one, unique: " + versions);
        }
        for (String version : versions) {
            if (version.isBlank() || version.indexOf(':') >= 0) {
                throw new IllegalArgumentException(name + ": a version must be non-blank and without ':': '"
                        + version + "'");
            }
        }
        if (!versions.contains(defaultVersion)) {
            throw new IllegalArgumentException(name + ": default version '" + defaultVersion
                    + "' is not one of the versions " + versions);
        }
        for (Map.Entry<String, String> entry : runtimeDefaults.entrySet()) {
            if (!versions.contains(entry.getValue())) {
                throw new IllegalArgumentException(name + ": default version '" + entry.getValue() + "' on the "
                        + entry.getKey() + " runtime is not one of the versions " + versions);
            }
        }
        for (String version : retired.keySet()) {
            if (versions.contains(version)) {
                throw new IllegalArgumentException(name + ": version '" + version + "' is both supported and retired");
            }
        }
    }

    /** A builder for the provider named {@code name}. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The version used when none is asked for on the runtime named {@code runtime}. */
    public String defaultVersion(String runtime) {
        return runtimeDefaults.getOrDefault(runtime, defaultVersion);
    }

    /** The variant named {@code name}, if offered. */
    public Optional<Variant> variant(String name) {
        return variants.stream().filter(v -> v.name().equals(name)).findFirst();
    }

    /** The first shared variant, if any. */
    public Optional<Variant> sharedVariant() {
        return variants.stream().filter(Variant::shared).findFirst();
    }

    /** Whether a variant is shared. */
    public boolean hasSharedVariant() {
        return sharedVariant().isPresent();
    }

    /** Whether {@code name} is the name or an alias. */
    public boolean answersTo(String wanted) {
        return name.equals(wanted) || aliases.contains(wanted);
    }

    /**
     * Builds a {@link ProviderDescriptor}; {@link #build()} checks it. The default variant is the
     * first added unless named; the default version must be set.
     */
    public static final class Builder {
        private final String name;
        private final Set<String> aliases = new LinkedHashSet<>();
        private String description = "";
        private final List<Variant> variants = new ArrayList<>();
        private String defaultVariant;
        private final List<String> versions = new ArrayList<>();
        private String defaultVersion;
        private final Map<String, String> runtimeDefaults = new LinkedHashMap<>();
        private final Map<String, String> retired = new LinkedHashMap<>();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name == null");
        }

        /** Adds other names accepted for the addon. */
        public Builder aliases(String... aliases) {
            for (String alias : aliases) {
                this.aliases.add(Objects.requireNonNull(alias, "alias == null"));
            }
            return this;
        }

        /** One line for listings. */
        public Builder description(String description) {
            this.description = Objects.requireNonNull(description, "description == null");
            return this;
        }

        /** Adds a variant. */
        public Builder variant(Variant variant) {
            variants.add(Objects.requireNonNull(variant, "variant == null"));
            return this;
        }

        /** The variant used when none is named; by default the first added. */
        public Builder defaultVariant(String variant) {
            this.defaultVariant = Objects.requireNonNull(variant, "defaultVariant == null");
            return this;
        }

        /** The supported versions, oldest first. */
        public Builder versions(String... versions) {
            for (String version : versions) {
                this.versions.add(Objects.requireNonNull(version, "version == null"));
            }
            return this;
        }

        /** The version used when none is asked for (on a runtime without a default of its own here). */
        public Builder defaultVersion(String version) {
            this.defaultVersion = Objects.requireNonNull(version, "defaultVersion == null");
            return this;
        }

        /** The version used when none is asked for on the runtime named {@code runtime}. */
        public Builder defaultVersion(String runtime, String version) {
            runtimeDefaults.put(Objects.requireNonNull(runtime, "runtime == null"),
                    Objects.requireNonNull(version, "version == null"));
            return this;
        }

        /** A version once offered and no longer, refused with {@code why}, e.g. {@code it is end-of-life}. */
        public Builder retired(String version, String why) {
            retired.put(Objects.requireNonNull(version, "version == null"), Objects.requireNonNull(why, "why == null"));
            return this;
        }

        /** The descriptor; throws {@link IllegalArgumentException} naming what is inconsistent. */
        public ProviderDescriptor build() {
            String variant = defaultVariant != null ? defaultVariant
                    : variants.isEmpty() ? Variant.DEFAULT : variants.get(0).name();
            if (defaultVersion == null) {
                throw new IllegalArgumentException(name + ": no default version; set one of " + versions);
            }
            return new ProviderDescriptor(name, aliases, description, variants, variant, versions, defaultVersion,
                    runtimeDefaults, retired);
        }
    }
}
