package dev.addons.api;

import java.util.Objects;

/**
 * A copy of an exception whose message held a secret, made by
 * {@link dev.addons.api.spi.Redaction#redact(Throwable)}: the message with the secrets replaced,
 * the original's stack trace, and redacted copies of its cause and suppressed exceptions. It is
 * found only inside the cause chain of another exception, never thrown on its own; a stack trace
 * names the original's class ({@link #originalClassName()}), e.g.
 * {@code java.io.IOException (redacted): echo of '<redacted>'}.
 *
 * @since 0.3
 */
public final class RedactedException extends AddonException {
    private static final long serialVersionUID = 1L;

    private final String originalClassName;

    /**
     * @param originalClassName the class of the exception this copies, e.g. {@code java.io.IOException}
     * @param message           its message, already redacted; may be null
     */
    public RedactedException(String originalClassName, String message) {
        super(message);
        this.originalClassName = Objects.requireNonNull(originalClassName, "originalClassName == null");
    }

    /** The class of the exception this copies. */
    public String originalClassName() {
        return originalClassName;
    }

    /** The original's class name, marked as redacted, and the redacted message. */
    @Override
    public String toString() {
        String message = getLocalizedMessage();
        return originalClassName + " (redacted)" + (message == null ? "" : ": " + message);
    }
}
