package dev.addons.core;

import dev.addons.core.runtime.Availability;
import java.util.Objects;

/**
 * One supported version of an addon and how the current runtime can run it.
 *
 * @param version      e.g. {@code 16}
 * @param isDefault    whether it is what a new addon declared without a version gets on the runtime
 * @param availability installed, cached, downloadable or unavailable, with detail
 */
public record VersionInfo(String version, boolean isDefault, Availability availability) {
    public VersionInfo {
        Objects.requireNonNull(version, "version == null");
        Objects.requireNonNull(availability, "availability == null");
    }
}
