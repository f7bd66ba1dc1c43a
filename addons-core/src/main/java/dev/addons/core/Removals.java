package dev.addons.core;

/**
 * What {@link Addons#deploy(AppFile, String, Removals)} does with the addons of the app and
 * environment that the file no longer declares.
 *
 * @since 0.1.0
 */
public enum Removals {
    /**
     * Removes those that hold no data (a cache counts as holding none); keeps those that do, and
     * lists them in {@link DeployResult#kept()}. The default: a deploy never deletes data unasked.
     */
    KEEP_DATA,
    /** Removes them all, each after a {@linkplain FinalBackup#TAKE final backup} of the data it holds. */
    PRUNE,
    /** Removes them all without a final backup: their data is gone for good. */
    PRUNE_WITHOUT_BACKUP
}
