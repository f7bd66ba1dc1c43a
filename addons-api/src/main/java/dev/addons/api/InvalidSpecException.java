package dev.addons.api;

/**
 * Input that addons refuses before doing anything: a malformed app file, an unknown key, variant
 * or version, a name that does not match the allowed pattern. The message names the field, the
 * value and what is allowed; nothing has been provisioned or changed when it is thrown.
 */
public class InvalidSpecException extends AddonException {
    private static final long serialVersionUID = 1L;

    public InvalidSpecException(String message) {
        super(message);
    }

    public InvalidSpecException(String message, Throwable cause) {
        super(message, cause);
    }
}
