package dev.addons.examples.visits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.core.Addons;
import dev.addons.core.AppFile;
import dev.addons.core.Environment;
import dev.addons.core.PooledDataSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VisitsServerTest {
    @TempDir
    Path home;

    @Test
    void countsEachVisitInTheDatabaseTheAppFileDeclares() throws Exception {
        // The process runtime explicitly: auto would choose the container runtime wherever a Docker
        // API answers (as in CI), and the official postgres image cannot be pulled there.
        try (Addons addons = Addons.builder().home(home).runtime("process").build()) {
            addons.deploy(AppFile.read(Path.of("visits", "addons.toml")), "production");
            try {
                Environment environment = Environment.resolve(addons, "visits", "production");
                assertThat(environment.require("DATABASE_URL")).startsWith("postgres");
                try (PooledDataSource dataSource = environment.dataSource();
                        VisitsServer server = VisitsServer.start(dataSource, 0)) {
                    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                    HttpRequest visit = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                            .timeout(Duration.ofSeconds(10)).build();

                    HttpResponse<String> first = client.send(visit, HttpResponse.BodyHandlers.ofString());
                    HttpResponse<String> second = client.send(visit, HttpResponse.BodyHandlers.ofString());

                    assertThat(first.statusCode()).isEqualTo(200);
                    assertThat(first.body()).isEqualTo("Visits: 1\n");
                    assertThat(second.body()).isEqualTo("Visits: 2\n");
                }
            } finally {
                // The test's visits are nothing to keep (and shared PostgreSQL 18 here has no pg_dump).
                addons.app("visits", "production").destroy("postgresql", dev.addons.core.FinalBackup.SKIP);
            }
            assertThat(addons.app("visits", "production").list()).isEmpty();
        }
        assertThat(postgresRunningIn(home)).as("a postgres server still running in " + home).isFalse();
    }

    private static boolean postgresRunningIn(Path home) throws Exception {
        Process pgrep = new ProcessBuilder("pgrep", "-f", "postgres -D " + home).redirectErrorStream(true).start();
        return pgrep.waitFor() == 0;
    }
}
