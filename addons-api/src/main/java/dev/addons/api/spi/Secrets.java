package dev.addons.api.spi;

import java.security.SecureRandom;

/** Random secrets for providers and runtimes. Thread-safe. */
public final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

    private Secrets() {
    }

    /**
     * A password of 32 letters and digits (about 190 bits), safe in URLs, SQL string literals,
     * configuration files and command lines without escaping.
     */
    public static String password() {
        return random(32);
    }

    /** {@code length} random letters and digits. */
    public static String random(int length) {
        if (length < 1) {
            throw new IllegalArgumentException("length < 1: " + length);
        }
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(out);
    }
}
