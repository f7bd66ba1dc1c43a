package dev.addons.api;

/**
 * The root of every exception addons throws for a failed operation. Callers branch on the
 * subclasses: {@link AddonNotFoundException}, {@link InvalidSpecException},
 * {@link ProvisioningException} and {@link UnsupportedOperationAddonException}.
 *
 * <p>Messages never contain secrets: passwords and URLs carrying passwords are redacted before
 * they reach a message, and causes that quote one are chained as redacted copies
 * ({@link dev.addons.api.spi.Redaction}, {@link RedactedException}). Programmer misuse (a {@code null} argument) is reported with the JDK's
 * own exceptions instead.
 */
public class AddonException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AddonException(String message) {
        super(message);
    }

    public AddonException(String message, Throwable cause) {
        super(message, cause);
    }
}
