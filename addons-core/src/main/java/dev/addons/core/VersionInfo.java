package dev.addons.core;

import dev.addons.core.runtime.Availability;
import java.util.Objects;

/**
 * One supported version of an addon and how the current runtime can run it.
 *
 * @param version      e.g. {@code 16}
 * @param isDefault    whether it is what a new addon declared without a version gets on the runtime
 * @param availability installed, cached, downloadable or unavailable, with detail
 * @param backupLimit  what of its backups the runtime cannot do here and why, e.g. that a shared
 *                     PostgreSQL 16 on the process runtime has no pg_dump; empty when none
 */
public record VersionInfo(String version, boolean isDefault, Availability availability, String backupLimit) {
    public VersionInfo {
        Objects.requireNonNull(version, "version == null");
        Objects.requireNonNull(availability, "availability == null");
        Objects.requireNonNull(backupLimit, "backupLimit == null");
    }

    /** A version whose backups the runtime does in full. */
    public VersionInfo(String version, boolean isDefault, Availability availability) {
        this(version, isDefault, availability, "");
    }
}
