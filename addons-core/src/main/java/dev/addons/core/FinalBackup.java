package dev.addons.core;

/**
 * Whether removing an addon ({@link App#destroy(String, FinalBackup)}, a deploy
 * that prunes) first keeps a final backup of the data it holds, from which
 * {@link App#restore(dev.addons.api.AddonSpec, java.nio.file.Path)} brings it back.
 *
 * @since 0.1.0
 */
public enum FinalBackup {
    /**
     * Back up the data first (nothing is taken of a cache or of an addon that holds no data); when
     * it cannot be taken, nothing is removed.
     */
    TAKE,
    /** Remove without a backup: the data is gone for good. */
    SKIP
}
