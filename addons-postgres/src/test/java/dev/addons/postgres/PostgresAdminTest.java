package dev.addons.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.Urls;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class PostgresAdminTest {

    @Test
    void aFailureKeepsTheSqlStateAndRedactsEverySecretFromMessageCausesAndSuppressed() {
        SQLException driverError = new SQLException(
                "ERROR: syntax error at or near \"PASSWORD 'hunter2hunter2'\" (admin pw adminpw123)", "42601", 0,
                new IOException("echo of 'hunter2hunter2'", new IllegalStateException(
                        "via postgresql://postgres:" + Urls.encode("adminpw123") + "@h/")));
        driverError.addSuppressed(new SQLException("cleanup failed", "55006"));
        driverError.addSuppressed(new SQLException("cleanup saw hunter2hunter2", "55006"));

        ProvisioningException failure = PostgresAdmin.failure("Provisioning PostgreSQL tenant 'app1'", driverError,
                "hunter2hunter2", "adminpw123");

        assertThat(failure.getMessage())
                .startsWith("Provisioning PostgreSQL tenant 'app1' failed (SQLState 42601): ")
                .contains("<redacted>")
                .doesNotContain("hunter2hunter2", "adminpw123");
        assertThat(failure.getCause()).isInstanceOf(SQLException.class);
        assertThat(((SQLException) failure.getCause()).getSQLState()).isEqualTo("42601");
        assertThat(failure.getCause().getSuppressed()).hasSize(2);
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString()).doesNotContain("hunter2hunter2", "adminpw123")
                .contains("cleanup failed", "cleanup saw <redacted>", "echo of '<redacted>'", "postgres:***@h/");
    }
}
