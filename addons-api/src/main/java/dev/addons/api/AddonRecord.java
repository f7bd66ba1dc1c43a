package dev.addons.api;

import java.time.Instant;
import java.util.Objects;

/**
 * What addons knows of one addon of one app in one environment. Immutable; a status change
 * makes a new record. Holds no secret.
 *
 * @param id          unique, stable identifier, e.g. {@code postgresql-myapp-production-k3f9q2}
 * @param app         the app's name
 * @param environment the environment, e.g. {@code production} or {@code staging}
 * @param addon       the provider's name, e.g. {@code postgresql}
 * @param variant     the resolved variant
 * @param version     the resolved version (or image reference)
 * @param runtime     the runtime its server runs on, e.g. {@code process}
 * @param status      where it is in its lifecycle
 * @param message     why it failed or what it is doing; empty when there is nothing to say
 * @param createdAt   when it was first recorded
 * @param updatedAt   when its status last changed
 */
public record AddonRecord(
        String id,
        String app,
        String environment,
        String addon,
        String variant,
        String version,
        String runtime,
        Status status,
        String message,
        Instant createdAt,
        Instant updatedAt) {

    public AddonRecord {
        Objects.requireNonNull(id, "id == null");
        Objects.requireNonNull(app, "app == null");
        Objects.requireNonNull(environment, "environment == null");
        Objects.requireNonNull(addon, "addon == null");
        Objects.requireNonNull(variant, "variant == null");
        Objects.requireNonNull(version, "version == null");
        Objects.requireNonNull(runtime, "runtime == null");
        Objects.requireNonNull(status, "status == null");
        message = message == null ? "" : message;
        Objects.requireNonNull(createdAt, "createdAt == null");
        Objects.requireNonNull(updatedAt, "updatedAt == null");
    }

    /** This record moved to {@code next} at {@code now}, with {@code why} as its message. */
    public AddonRecord withStatus(Status next, String why, Instant now) {
        return new AddonRecord(id, app, environment, addon, variant, version, runtime, next, why,
                createdAt, now);
    }
}
