package dev.addons.core;

import dev.addons.api.AddonRecord;
import java.util.List;
import java.util.Objects;

/**
 * What a deploy of an app file did.
 *
 * @param app         the app's name
 * @param environment the environment deployed to
 * @param active      the app's addons, all ACTIVE, in the file's order
 * @param destroyed   addons that were removed from the file and have been deprovisioned (each
 *                    record's message names its final backup, if one was taken)
 * @param kept        addons that were removed from the file but hold data, so were kept (see
 *                    {@link Removals#KEEP_DATA})
 */
public record DeployResult(String app, String environment, List<AddonRecord> active, List<AddonRecord> destroyed,
        List<AddonRecord> kept) {
    public DeployResult {
        Objects.requireNonNull(app, "app == null");
        Objects.requireNonNull(environment, "environment == null");
        active = List.copyOf(active);
        destroyed = List.copyOf(destroyed);
        kept = List.copyOf(kept);
    }
}
