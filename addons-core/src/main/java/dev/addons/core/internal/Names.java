package dev.addons.core.internal;

import dev.addons.api.InvalidSpecException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The strict patterns for names that end up in SQL, file paths and command lines, and the
 * tenant names derived from them. App and environment names are DNS-label-like: lower-case
 * letters, digits and single hyphens, starting with a letter, so that {@link #tenant} is unique.
 */
public final class Names {
    private static final Pattern APP = Pattern.compile("[a-z](?:[a-z0-9]|-(?=[a-z0-9])){0,39}");
    private static final Pattern ENVIRONMENT = Pattern.compile("[a-z](?:[a-z0-9]|-(?=[a-z0-9])){0,19}");
    private static final Pattern ADDON = Pattern.compile("[a-z][a-z0-9-]{0,39}");
    private static final Pattern SERVER_ID = Pattern.compile("[a-z0-9][a-z0-9.-]{0,100}");
    private static final String PRODUCTION = "production";

    private Names() {
    }

    /** Checks an app name; the message names the field, the value and what is allowed. */
    public static String app(String field, String app) {
        return check(field, app, APP, "1-40 lower-case letters, digits and single '-', starting with a letter");
    }

    /** Checks an environment name. */
    public static String environment(String field, String environment) {
        return check(field, environment, ENVIRONMENT,
                "1-20 lower-case letters, digits and single '-', starting with a letter");
    }

    /** Checks the shape of an addon name (whether it exists is the registry's question). */
    public static String addon(String field, String addon) {
        return check(field, addon, ADDON, "lower-case letters, digits and '-', starting with a letter");
    }

    /**
     * Checks a server id as runtimes take it (it names directories, containers and volumes);
     * throws {@link IllegalArgumentException}, as ids come from addons itself, not from users.
     */
    public static String requireServerId(String serverId) {
        if (serverId == null || !SERVER_ID.matcher(serverId).matches()) {
            throw new IllegalArgumentException("serverId must match " + SERVER_ID + ": '" + serverId + "'");
        }
        return serverId;
    }

    /**
     * The tenant name of an app in an environment: {@code my-app} in production is {@code my_app},
     * in staging {@code my_app__staging}. Unique because app names hold no {@code "--"}.
     */
    public static String tenant(String app, String environment) {
        String base = app.replace('-', '_');
        return PRODUCTION.equals(environment) ? base : base + "__" + environment.replace('-', '_');
    }

    private static String check(String field, String value, Pattern pattern, String allowed) {
        if (value == null || value.isEmpty()) {
            throw new InvalidSpecException(field + " is empty: use " + allowed);
        }
        if (!pattern.matcher(value).matches()) {
            throw new InvalidSpecException(field + " '" + printable(value) + "' is invalid: use " + allowed);
        }
        return value;
    }

    /** {@code value} cut to 60 characters with control characters escaped, for messages. */
    public static String printable(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length() && out.length() < 60; i++) {
            char c = value.charAt(i);
            out.append(hidden(c) ? escape(c) : String.valueOf(c));
        }
        return value.length() > 60 ? out + "..." : out.toString();
    }

    /**
     * {@code value} (null stays null) with every control character (ANSI escape sequences' ESC,
     * CR, backspace, ...) and invisible format character (right-to-left overrides) written as
     * {@code \\uXXXX}: text read from outside (a backup's manifest) that is shown to a user can
     * then neither drive the terminal nor hide what it says. Nothing is dropped, so an escaped
     * value never equals a clean one it was made to look like.
     */
    public static String escapeControls(String value) {
        if (value == null || value.chars().noneMatch(c -> hidden((char) c))) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            out.append(hidden(c) ? escape(c) : String.valueOf(c));
        }
        return out.toString();
    }

    private static boolean hidden(char c) {
        return Character.isISOControl(c) || Character.getType(c) == Character.FORMAT;
    }

    private static String escape(char c) {
        return String.format(Locale.ROOT, "\\u%04x", (int) c);
    }
}
