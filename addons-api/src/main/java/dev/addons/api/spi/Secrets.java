package dev.addons.api.spi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * Random secrets for providers and runtimes. Thread-safe.
 *
 * <p>Test seam: when the environment variable {@value #RECORD_ENV} names a file (the build sets
 * it for the test suite only), every {@link #password()} is also appended to that file, owner-only,
 * so that a test can scan all the suite's logs and outputs for any password it made. Never set it
 * anywhere else.
 */
public final class Secrets {
    /** The environment variable naming the file test runs record passwords in. */
    public static final String RECORD_ENV = "ADDONS_TEST_RECORD_SECRETS";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String RECORD = System.getenv(RECORD_ENV);
    private static final char[] ALPHABET =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

    private Secrets() {
    }

    /**
     * A password of 32 letters and digits (about 190 bits), safe in URLs, SQL string literals,
     * configuration files and command lines without escaping.
     */
    public static String password() {
        String password = random(32);
        if (RECORD != null && !RECORD.isBlank()) {
            record(Path.of(RECORD), password);
        }
        return password;
    }

    /** Appends one line; a line this short is appended whole even with several writers. */
    private static void record(Path file, String password) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            if (!Files.exists(file)) {
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")));
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    // another JVM of the suite made it meanwhile
                }
            }
            Files.write(file, (password + "\n").getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot record a password for the test suite's scan in " + file, e);
        }
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
