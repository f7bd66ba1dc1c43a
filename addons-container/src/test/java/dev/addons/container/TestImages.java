package dev.addons.container;

import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.ContainerRecipe;
import dev.addons.api.spi.Secrets;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.core.runtime.RunningServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;

/**
 * The container runtime's test fixtures: the Docker API (the test is skipped when there is none,
 * except in CI, where it fails), a PostgreSQL definition on the local test image that
 * {@code .ci/containers} builds, which honours the official postgres image's contract, and
 * queries to it over JDBC.
 */
final class TestImages {
    static final String POSTGRES = "localhost/addons-test/postgres:15";
    static final String MISSING = "localhost/addons-test/missing:1";

    private TestImages() {
    }

    /** The Docker API; aborts the test when there is none, fails it in CI. */
    static DockerApi docker() {
        try {
            return DockerApi.connect(DockerApi.DEFAULT_TIMEOUT);
        } catch (ProvisioningException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("CI must have a Docker-API endpoint (see .ci/containers)", e);
            }
            Assumptions.abort("No Docker-API endpoint, so no container runtime test: " + e.getMessage());
            throw e;
        }
    }

    /** PostgreSQL on {@code image}, as the official image's contract starts it. */
    static ServerDefinition postgres(String image) {
        String password = Secrets.password();
        ContainerRecipe container = ContainerRecipe.builder(image, 5432, "/var/lib/postgresql/data")
                .environment(Map.of("POSTGRES_USER", "postgres",
                        "POSTGRES_PASSWORD", password,
                        "PGDATA", "/var/lib/postgresql/data"))
                .build();
        return new ServerDefinition("postgresql", image, "postgres", password, null, container,
                server -> query(server.endpoint().port(), server.adminPassword(), "select 1"), Duration.ofSeconds(60));
    }

    /** The first column of the first row of {@code sql} as the admin user; null for a statement without rows. */
    static String query(int port, String password, String sql) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        properties.setProperty("password", password);
        properties.setProperty("connectTimeout", "2");
        properties.setProperty("loginTimeout", "2");
        try (Connection connection = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/postgres", properties);
                Statement statement = connection.createStatement()) {
            if (!statement.execute(sql)) {
                return null;
            }
            try (ResultSet result = statement.getResultSet()) {
                result.next();
                return result.getString(1);
            }
        }
    }

    static String query(RunningServer server, ServerDefinition definition, String sql) throws SQLException {
        return query(server.endpoint().port(), definition.adminPassword(), sql);
    }
}
