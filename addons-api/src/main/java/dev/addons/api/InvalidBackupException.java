package dev.addons.api;

/**
 * A backup archive that cannot be restored: corrupt, truncated, not an addons backup, or a backup
 * of another engine. Thrown before anything is touched; the addon's data is as it was.
 */
public class InvalidBackupException extends AddonException {
    private static final long serialVersionUID = 1L;

    public InvalidBackupException(String message) {
        super(message);
    }

    public InvalidBackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
