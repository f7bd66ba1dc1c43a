package dev.addons.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MysqlTrustStoreTest {

    @TempDir
    Path dir;

    @Test
    void everyCertificateOfThePemFileIsTrustedFromAnOwnerOnlyFileThatCloseDeletes() throws Exception {
        Path bundle = dir.resolve("bundle.pem");
        Files.writeString(bundle, Files.readString(MysqlTls.authority(dir, "one")) + "\n"
                + Files.readString(MysqlTls.authority(dir, "two")));
        Path file;
        Properties properties = new Properties();
        try (MysqlTrustStore store = MysqlTrustStore.of(bundle)) {
            file = store.file();
            store.configure(properties);
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(properties.getProperty("trustCertificateKeyStoreUrl")).isEqualTo(file.toUri().toString());
            assertThat(properties.getProperty("trustCertificateKeyStoreType")).isEqualTo("PKCS12");
            KeyStore loaded = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                loaded.load(in, properties.getProperty("trustCertificateKeyStorePassword").toCharArray());
            }
            List<String> aliases = Collections.list(loaded.aliases());
            assertThat(aliases).hasSize(2);
            for (String alias : aliases) {
                assertThat(loaded.isCertificateEntry(alias)).as(alias).isTrue();
            }
        }
        assertThat(file).doesNotExist();
    }

    @Test
    void aFileWithoutCertificatesOrNoFileIsRefusedNamingIt() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nnot base64!\n"
                + "-----END CERTIFICATE-----\n");

        assertThatThrownBy(() -> MysqlTrustStore.of(empty)).isInstanceOf(SQLException.class)
                .hasMessage("--ca-file " + empty + " holds no certificate: give the PEM file of the CA certificate(s)"
                        + " that signed the server's certificate");
        assertThatThrownBy(() -> MysqlTrustStore.of(garbage)).isInstanceOf(SQLException.class)
                .hasMessageStartingWith("--ca-file " + garbage + " could not be read as PEM CA certificates");
        assertThatThrownBy(() -> MysqlTrustStore.of(dir.resolve("absent.pem"))).isInstanceOf(SQLException.class)
                .hasMessageStartingWith("--ca-file " + dir.resolve("absent.pem") + " could not be read");
    }
}
