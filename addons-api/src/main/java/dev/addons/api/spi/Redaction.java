package dev.addons.api.spi;

import dev.addons.api.RedactedException;
import dev.addons.api.Variable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes secrets out of messages and exception chains before they reach a log, a message or a
 * stack trace: each secret, as it is and percent-encoded as a URL carries it (with upper- or
 * lower-case escapes, and form-encoded), becomes {@link Variable#REDACTED}; the
 * password of any URL ({@code scheme://user:PASSWORD@host}), known or not, becomes
 * {@value #URL_PASSWORD}. Immutable and thread-safe.
 *
 * <pre>{@code
 * Redaction redaction = Redaction.of(password, server.adminPassword());
 * throw new ProvisioningException(what + " failed: " + redaction.reason(e), redaction.redact(e));
 * }</pre>
 *
 * @since 0.3
 */
public final class Redaction {
    /** What the password of a URL is shown as. */
    public static final String URL_PASSWORD = "***";

    /** A URL's {@code scheme://user:} and the password up to its {@code @}. */
    private static final Pattern URL_USER_INFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://[^:@/\\s]*:)[^@\\s]*@");
    /** A whole URL's {@code scheme://user:} and everything up to its last {@code @}. */
    private static final Pattern WHOLE_URL_USER_INFO =
            Pattern.compile("^([^:/?#\\s]+://[^:@/?#]*:).*@", Pattern.DOTALL);
    private static final String MASKED = "$1" + Matcher.quoteReplacement(URL_PASSWORD) + "@";
    private static final Pattern PERCENT_ESCAPE = Pattern.compile("%[0-9A-F]{2}");

    /** Every form of every secret, the longest first, so that no form is left half replaced. */
    private final List<String> forms;

    private Redaction(List<String> forms) {
        this.forms = forms;
    }

    /** Redacts {@code secrets}; null and empty ones are skipped. */
    public static Redaction of(String... secrets) {
        return of(secrets == null ? List.of() : Arrays.asList(secrets));
    }

    /** Redacts {@code secrets}; null and empty ones are skipped. */
    public static Redaction of(Collection<String> secrets) {
        Objects.requireNonNull(secrets, "secrets == null");
        Set<String> forms = new LinkedHashSet<>();
        for (String secret : secrets) {
            if (secret == null || secret.isEmpty()) {
                continue;
            }
            forms.add(secret);
            String encoded = Urls.encode(secret);
            forms.add(encoded);
            forms.add(lowerCaseEscapes(encoded));
            forms.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
        }
        List<String> sorted = new ArrayList<>(forms);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        return new Redaction(List.copyOf(sorted));
    }

    /** {@code text} with the password of every URL in it shown as {@value #URL_PASSWORD}; null stays null. */
    public static String urlPasswords(String text) {
        return text == null ? null : URL_USER_INFO.matcher(text).replaceAll(MASKED);
    }

    /**
     * {@code url}, a URL as someone typed it, with its password shown as {@value #URL_PASSWORD}:
     * everything between the user's {@code :} and the last {@code @}, so that a password with a
     * space or an {@code @} that should have been percent-encoded is hidden whole. Null stays null.
     */
    public static String url(String url) {
        return url == null ? null : WHOLE_URL_USER_INFO.matcher(url).replaceFirst(MASKED);
    }

    /**
     * {@code text} with every URL's password shown as {@value #URL_PASSWORD} and every form of
     * the secrets as {@link Variable#REDACTED}; null stays null.
     */
    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String redacted = urlPasswords(text);
        for (String form : forms) {
            redacted = redacted.replace(form, Variable.REDACTED);
        }
        return redacted;
    }

    /** Whether {@code text} holds a secret or a URL's password, so that {@link #redact(String)} changes it. */
    public boolean reveals(String text) {
        return text != null && !redact(text).equals(text);
    }

    /** What {@code failure} says, redacted: its message, or its {@link Throwable#toString()} when it has none. */
    public String reason(Throwable failure) {
        Objects.requireNonNull(failure, "failure == null");
        return redact(failure.getMessage() == null ? failure.toString() : failure.getMessage());
    }

    /**
     * {@code failure} as it may be chained or shown: itself when no message in it, its causes and
     * the exceptions suppressed in them (recursively) reveals a secret; otherwise a copy of it
     * whose message is redacted, with its stack trace, and whose cause and suppressed exceptions
     * are the same redaction of the original's. A copy of an {@link SQLException} is an
     * {@code SQLException} with the same SQLState and error code (and its next exceptions
     * redacted alike); of anything else a {@link RedactedException} naming the original's class.
     * Parts of the chain that reveal nothing are kept as they are. Null stays null.
     */
    public Throwable redact(Throwable failure) {
        return failure == null ? null : copy(failure, new IdentityHashMap<>());
    }

    private Throwable copy(Throwable failure, Map<Throwable, Throwable> copies) {
        Throwable done = copies.get(failure);
        if (done != null) {
            return done;
        }
        if (!reveals(failure, Collections.newSetFromMap(new IdentityHashMap<>()))) {
            return failure;
        }
        String message = redact(failure.getMessage());
        Throwable copy = failure instanceof SQLException sql
                ? new SQLException(message, sql.getSQLState(), sql.getErrorCode())
                : new RedactedException(failure.getClass().getName(), message);
        copies.put(failure, copy);
        copy.setStackTrace(failure.getStackTrace());
        if (failure.getCause() != null) {
            copy.initCause(copy(failure.getCause(), copies));
        }
        for (Throwable suppressed : failure.getSuppressed()) {
            copy.addSuppressed(copy(suppressed, copies));
        }
        if (failure instanceof SQLException sql && sql.getNextException() != null) {
            ((SQLException) copy).setNextException((SQLException) copy(sql.getNextException(), copies));
        }
        return copy;
    }

    /** Whether any message in {@code failure}'s chain (causes, suppressed, next exceptions) reveals a secret. */
    private boolean reveals(Throwable failure, Set<Throwable> seen) {
        if (failure == null || !seen.add(failure)) {
            return false;
        }
        if (reveals(failure.getMessage()) || reveals(failure.getLocalizedMessage()) || reveals(failure.toString())) {
            return true;
        }
        if (reveals(failure.getCause(), seen)) {
            return true;
        }
        for (Throwable suppressed : failure.getSuppressed()) {
            if (reveals(suppressed, seen)) {
                return true;
            }
        }
        return failure instanceof SQLException sql && reveals(sql.getNextException(), seen);
    }

    private static String lowerCaseEscapes(String encoded) {
        return PERCENT_ESCAPE.matcher(encoded).replaceAll(m -> m.group().toLowerCase(java.util.Locale.ROOT));
    }

    /** How many forms of secrets this redacts, never which. */
    @Override
    public String toString() {
        return "Redaction[" + forms.size() + " forms]";
    }
}
