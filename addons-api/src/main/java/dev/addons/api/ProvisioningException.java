package dev.addons.api;

/**
 * A server or tenant could not be provisioned, started or removed. Whatever was half made has
 * been cleaned up when it is thrown; the cause says what went wrong underneath.
 */
public class ProvisioningException extends AddonException {
    private static final long serialVersionUID = 1L;

    public ProvisioningException(String message) {
        super(message);
    }

    public ProvisioningException(String message, Throwable cause) {
        super(message, cause);
    }
}
