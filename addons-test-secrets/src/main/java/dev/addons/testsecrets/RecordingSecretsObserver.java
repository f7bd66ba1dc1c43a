package dev.addons.testsecrets;

import dev.addons.api.spi.SecretsObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Appends every password the test suite makes to the file named by the environment variable
 * {@value #RECORD_ENV} (the build sets it for the suite's test JVMs, and the JVMs they start
 * inherit it), owner-only, so that the scan in examples can look for each in every output. Does
 * nothing when the variable is not set. On the class path of tests only; thread-safe, and safe
 * with several JVMs writing to one file.
 */
public final class RecordingSecretsObserver implements SecretsObserver {
    /** The environment variable naming the file test runs record passwords in. */
    public static final String RECORD_ENV = "ADDONS_TEST_RECORD_SECRETS";

    private final String record = System.getenv(RECORD_ENV);

    /** Reads the variable; does no I/O. */
    public RecordingSecretsObserver() {
    }

    @Override
    public void generated(String password) {
        if (record != null && !record.isBlank()) {
            append(Path.of(record), password);
        }
    }

    /** Appends one line; a line this short is appended whole even with several writers. */
    private static void append(Path file, String password) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            if (!Files.exists(file)) {
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")));
                } catch (FileAlreadyExistsException e) {
                    // another JVM of the suite made it meanwhile
                }
            }
            Files.write(file, (password + "\n").getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot record a password for the test suite's scan in " + file, e);
        }
    }
}
