package dev.addons.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.Endpoint;
import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.ServerAccess;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MysqlAdminTest {

    @Test
    void aFailureKeepsSqlStateAndErrorCodeAndRedactsEverySecretFromMessageCauseAndSuppressed() {
        SQLException driverError = new SQLException("You have an error in your SQL syntax; check the manual that"
                + " corresponds to your MariaDB server version for the right syntax to use near"
                + " 'usr 'app1'@'%' identified by 'hunter2hunter2'' at line 1 (admin adminpw123)", "42000", 1064,
                new IOException("echo of 'hunter2hunter2'"));
        driverError.addSuppressed(new SQLException("cleanup saw hunter2hunter2", "HY000", 1396));

        ProvisioningException failure = MysqlAdmin.failure("Provisioning MySQL tenant 'app1'", driverError,
                "hunter2hunter2", "adminpw123");

        assertThat(failure.getMessage())
                .startsWith("Provisioning MySQL tenant 'app1' failed (SQLState 42000, error 1064): You have an error")
                .contains("identified by '<redacted>'")
                .doesNotContain("hunter2hunter2", "adminpw123");
        SQLException cause = (SQLException) failure.getCause();
        assertThat(cause.getSQLState()).isEqualTo("42000");
        assertThat(cause.getErrorCode()).isEqualTo(1064);
        assertThat(cause.getSuppressed()).hasSize(1);
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString()).doesNotContain("hunter2hunter2", "adminpw123").contains("cleanup saw <redacted>");
    }

    @Test
    void aCauseWithoutSecretsIsKept() {
        IOException refused = new IOException("Connection refused");
        SQLException driverError = new SQLException("Communications link failure", "08S01", 0, refused);

        ProvisioningException failure = MysqlAdmin.failure("Provisioning", driverError, "hunter2hunter2");

        assertThat(failure.getCause().getCause()).isSameAs(refused);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.3.2.1", "::1", "[::1]", "0:0:0:0:0:0:0:1", "localhost", "LOCALHOST"})
    void theServersRsaKeyIsFetchedFromThisHostsLoopbackOnly(String host) {
        assertThat(MysqlAdmin.properties(access(host), 2, 2)).containsEntry("allowPublicKeyRetrieval", "true");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.6", "db.internal", "localhost.example.com", "127.0.0.1.nip.io", "128.0.0.1",
            "127.0.0.256", "::2", "fe80::1", "0.0.0.0"})
    void aServerElsewhereIsNeverAskedForItsRsaKeyWhichAManInTheMiddleCouldSend(String host) {
        assertThat(MysqlAdmin.properties(access(host), 2, 2)).doesNotContainKey("allowPublicKeyRetrieval");
    }

    @Test
    void aServerRegisteredForVerifiedTlsIsReachedOnlyOverTlsVerifiedAgainstItsCaAndNeverAskedForItsRsaKey() {
        ServerAccess tls = new ServerAccess("external-maria", new Endpoint("db.internal", 3306), "root", "adminpw123",
                java.util.Map.of(), "addons:0123456789abcdef",
                new ServerAccess.External(false, java.nio.file.Path.of("/etc/ssl/ca.pem")));

        assertThat(MysqlAdmin.properties(tls, 2, 2))
                .containsEntry("sslMode", "VERIFY_IDENTITY")
                .containsEntry("fallbackToSystemTrustStore", "false")
                .doesNotContainKey("allowPublicKeyRetrieval");
        assertThat(MysqlAdmin.properties(access("db.internal"), 2, 2)).doesNotContainKeys("sslMode",
                "fallbackToSystemTrustStore");
    }

    private static ServerAccess access(String host) {
        return new ServerAccess("external-maria", new Endpoint(host, 3306), "root", "adminpw123");
    }
}
