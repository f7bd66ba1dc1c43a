package dev.addons.api;

import java.util.Objects;
import java.util.Optional;

/**
 * What an app asks for: an addon by name, with an optional variant and version, and for a
 * {@code shared} addon optionally the external server it goes on. Absent values mean the
 * provider's defaults; they are resolved and validated when the addon is created.
 *
 * @param addon   the addon's name or alias, e.g. {@code postgresql}
 * @param variant the variant, or {@code null} for the default ({@code small})
 * @param version a supported version, a full OCI image reference (anything containing
 *                {@code ':'}), or {@code null} for the provider's default
 * @param server  the name of a registered external server to put a {@code shared} addon on, or
 *                {@code null} for the home's own shared server ({@code @since 0.1.0})
 */
public record AddonSpec(String addon, String variant, String version, String server) {

    public AddonSpec {
        Objects.requireNonNull(addon, "addon == null");
    }

    /** An addon on no external server. */
    public AddonSpec(String addon, String variant, String version) {
        this(addon, variant, version, null);
    }

    /** The addon with its default variant and version. */
    public static AddonSpec of(String addon) {
        return new AddonSpec(addon, null, null);
    }

    /** Parses {@code NAME[:VARIANT]} as the command line writes it. */
    public static AddonSpec parse(String nameAndVariant) {
        Objects.requireNonNull(nameAndVariant, "nameAndVariant == null");
        int colon = nameAndVariant.indexOf(':');
        if (colon < 0) {
            return of(nameAndVariant);
        }
        return new AddonSpec(nameAndVariant.substring(0, colon), nameAndVariant.substring(colon + 1), null);
    }

    public AddonSpec withVariant(String newVariant) {
        return new AddonSpec(addon, newVariant, version, server);
    }

    public AddonSpec withVersion(String newVersion) {
        return new AddonSpec(addon, variant, newVersion, server);
    }

    /**
     * This addon on the registered external server {@code newServer} (its variant must be
     * {@code shared}).
     *
     * @since 0.1.0
     */
    public AddonSpec withServer(String newServer) {
        return new AddonSpec(addon, variant, version, newServer);
    }

    /** The external server asked for, if any. */
    public Optional<String> serverIfSet() {
        return Optional.ofNullable(server);
    }

    public Optional<String> variantIfSet() {
        return Optional.ofNullable(variant);
    }

    public Optional<String> versionIfSet() {
        return Optional.ofNullable(version);
    }

    /** Whether the version is a full image reference rather than a version number. */
    public boolean isImageReference() {
        return isImageReference(version);
    }

    /** Whether {@code version} is a full OCI image reference (it contains {@code ':'}). */
    public static boolean isImageReference(String version) {
        return version != null && version.indexOf(':') >= 0;
    }
}
