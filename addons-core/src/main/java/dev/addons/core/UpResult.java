package dev.addons.core;

import dev.addons.api.AddonRecord;
import java.util.List;
import java.util.Objects;

/**
 * What {@link Addons#up} did: the addons that are active now (whether they were running or were
 * started again on their data), those that could not be brought back and why, and those left as
 * they are (stopped on purpose, asleep, failed for another reason). Never holds a secret.
 *
 * @param active   active now, in the order of the state store
 * @param failures those whose server could not be started again, with why
 * @param left     those not brought back because they are not meant to run now
 */
public record UpResult(List<AddonRecord> active, List<Failure> failures, List<AddonRecord> left) {
    public UpResult {
        active = List.copyOf(active);
        failures = List.copyOf(failures);
        left = List.copyOf(left);
    }

    /** Whether every addon that should run is active. */
    public boolean allActive() {
        return failures.isEmpty();
    }

    /**
     * An addon that could not be brought back.
     *
     * @param addon  its record as it is now
     * @param reason why, one message (no secret)
     */
    public record Failure(AddonRecord addon, String reason) {
        public Failure {
            Objects.requireNonNull(addon, "addon == null");
            Objects.requireNonNull(reason, "reason == null");
        }
    }
}
