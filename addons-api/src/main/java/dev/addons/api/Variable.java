package dev.addons.api;

import java.util.Objects;

/**
 * One environment variable handed to an app, such as {@code PGHOST=127.0.0.1}.
 *
 * @param name      the variable's name, e.g. {@code DATABASE_URL}
 * @param value     its value
 * @param sensitive whether the value is a secret (a password, a URL holding one); sensitive
 *                  values are redacted in {@link #toString()} and in listings
 */
public record Variable(String name, String value, boolean sensitive) {
    /** What listings and {@code toString()} show in place of a sensitive value. */
    public static final String REDACTED = "<redacted>";

    public Variable {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(value, "value == null");
        if (!name.matches("[A-Z][A-Z0-9_]*")) {
            throw new IllegalArgumentException("variable name must match [A-Z][A-Z0-9_]*: " + name);
        }
    }

    /** A variable whose value is no secret. */
    public static Variable plain(String name, String value) {
        return new Variable(name, value, false);
    }

    /** A variable whose value is a secret. */
    public static Variable secret(String name, String value) {
        return new Variable(name, value, true);
    }

    /** The value, or {@link #REDACTED} when it is sensitive. */
    public String displayValue() {
        return sensitive ? REDACTED : value;
    }

    @Override
    public String toString() {
        return name + "=" + displayValue();
    }
}
