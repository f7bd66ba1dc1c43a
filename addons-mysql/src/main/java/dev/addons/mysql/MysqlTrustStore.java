package dev.addons.mysql;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Properties;

/**
 * The CA certificates of a PEM file as a PKCS12 trust store, in an owner-only temporary file that
 * {@link #close()} deletes. MySQL Connector/J verifies a server's certificate against a trust
 * store only (it reads no PEM file), and reads it during the TLS handshake of a connect, so the
 * file lives no longer than one connect. Not thread-safe; one per connect.
 */
final class MysqlTrustStore implements AutoCloseable {
    /**
     * The store's password. It guards nothing (the store holds public certificates only, in a
     * file of this JVM's user), but a PKCS12 file is written with one.
     */
    private static final String PASSWORD = "addons-trust-store";

    private final Path file;

    private MysqlTrustStore(Path file) {
        this.file = file;
    }

    /**
     * A trust store of every certificate in {@code caFile} (PEM, one or more). Throws an
     * {@link java.sql.SQLException} naming the file when it cannot be read or holds none.
     */
    static MysqlTrustStore of(Path caFile) throws java.sql.SQLException {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(caFile)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new java.sql.SQLException("--ca-file " + caFile + " could not be read as PEM CA certificates: " + e,
                    "08000", e);
        }
        if (certificates.isEmpty()) {
            throw new java.sql.SQLException("--ca-file " + caFile + " holds no certificate: give the PEM file of the"
                    + " CA certificate(s) that signed the server's certificate", "08000");
        }
        Path file = null;
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int index = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + index++, certificate);
            }
            // Created owner-only (0600) on POSIX file systems.
            file = Files.createTempFile("addons-mysql-ca-", ".p12");
            try (OutputStream out = Files.newOutputStream(file)) {
                store.store(out, PASSWORD.toCharArray());
            }
            return new MysqlTrustStore(file);
        } catch (IOException | GeneralSecurityException e) {
            delete(file);
            throw new java.sql.SQLException("Writing a trust store of --ca-file " + caFile + " failed: " + e, "08000",
                    e);
        }
    }

    /** Sets Connector/J's trust store properties to this store. */
    void configure(Properties properties) {
        properties.setProperty("trustCertificateKeyStoreUrl", file.toUri().toString());
        properties.setProperty("trustCertificateKeyStoreType", "PKCS12");
        properties.setProperty("trustCertificateKeyStorePassword", PASSWORD);
    }

    /** The store's file, while it exists. */
    Path file() {
        return file;
    }

    /** Deletes the file; idempotent. */
    @Override
    public void close() {
        delete(file);
    }

    private static void delete(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // It holds public certificates only; it must still not be left behind.
            file.toFile().deleteOnExit();
        }
    }
}
