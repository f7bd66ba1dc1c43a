package dev.addons.api.spi;

import java.io.IOException;
import java.util.Objects;

/**
 * A {@link ProcessRecipe}'s promise that the data directory its initialization makes can be
 * copied to start any number of servers, so that the process runtime runs the (slow)
 * initialization once and then starts each new server on a copy of it.
 *
 * <p>The runtime keeps one initialized, stopped template per key in its binary cache (owner-only,
 * shared by the homes that share the cache),
 * built by {@link #initializer()} with a random <em>template password</em> for the admin that it
 * keeps owner-only next to the template. It starts a new server on a fresh copy, waits for its
 * readiness with the template password, then calls the recipe's {@link ProcessRecipe.Rekey}, which must give the
 * admin the server's own password, so that the template password no longer logs in. Only then
 * is the server handed out; when any step fails the server's directory is deleted. The template
 * password is as private as the cache and belongs to no server. The template must hold no other
 * secret (a key, a certificate), as every server started from it would share it.
 *
 * <p>The runtime keys a template by the engine, its version, the binaries' identity (their
 * directory, probed version and the size and modification time of the main binary, so an
 * upgrade makes a new template), the user engines run as and {@link #key()}, which names everything else the
 * initialization depends on (its options, sizes fixed at initialization, ...). Two recipes with
 * the same key must initialize alike. Settings given only when the server is launched (ports,
 * paths, durability) do not belong in the key.
 *
 * <p>Immutable; the functions must be thread-safe and keep nothing from a call.
 *
 * @param key          what else the initialization depends on, e.g. {@code "initdb -A scram-sha-256 -E UTF8"};
 *                     at most 200 characters, no line breaks
 * @param initializer  initializes an empty data directory with a given admin password
 * @since 0.2
 */
public record DataTemplate(String key, Initializer initializer) {

    public DataTemplate {
        Objects.requireNonNull(key, "key == null");
        Objects.requireNonNull(initializer, "initializer == null");
        if (key.length() > 200 || key.contains("\n") || key.contains("\r")) {
            throw new IllegalArgumentException("key must be at most 200 characters on one line: " + key.length()
                    + " characters");
        }
    }

    /** Initializes the template's data directory. */
    @FunctionalInterface
    public interface Initializer {
        /**
         * Initializes the empty {@link ProcessContext#dataDirectory()} so that the admin logs in with
         * {@code adminPassword}. The context's endpoint is not the one any server will listen on:
         * nothing may depend on it.
         */
        void initialize(ProcessContext context, String adminPassword) throws IOException, InterruptedException;
    }
}
