package dev.addons.api;

/** An operation an addon or runtime does not offer (yet), such as a backup of a cache. */
public class UnsupportedOperationAddonException extends AddonException {
    private static final long serialVersionUID = 1L;

    public UnsupportedOperationAddonException(String message) {
        super(message);
    }
}
