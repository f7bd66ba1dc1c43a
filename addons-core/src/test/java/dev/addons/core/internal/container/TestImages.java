package dev.addons.core.internal.container;

import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.ContainerRecipe;
import dev.addons.api.spi.Secrets;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.core.internal.process.TestPostgres;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The container runtime's test fixtures: the Docker API (the test is skipped when there is none,
 * except in CI, where it fails), and a PostgreSQL definition on the local test image that
 * {@code .ci/containers} builds, which honours the official postgres image's contract.
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
        ContainerRecipe container = new ContainerRecipe(image,
                Map.of("POSTGRES_USER", "postgres", "POSTGRES_PASSWORD", password,
                        "PGDATA", "/var/lib/postgresql/data"),
                List.of(), 5432, "/var/lib/postgresql/data");
        return new ServerDefinition("postgresql", image, "postgres", password, null, container,
                server -> TestPostgres.query(server.endpoint().port(), server.adminPassword(), "select 1"), Duration.ofSeconds(60));
    }
}
