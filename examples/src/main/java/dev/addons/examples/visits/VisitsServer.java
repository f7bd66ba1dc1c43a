package dev.addons.examples.visits;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.addons.core.Environment;
import dev.addons.core.PooledDataSource;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.sql.DataSource;

/**
 * The visits counter: an HTTP server on 127.0.0.1 that records a row per request in PostgreSQL
 * and answers {@code Visits: N}. It reads its database from {@code DATABASE_URL} through
 * {@link Environment#current()}, so {@code bin/addons run -a visits -- ...} is all it needs.
 * Thread-safe; {@link #close()} stops the server but leaves the data source to its owner.
 */
public final class VisitsServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;
    private final DataSource dataSource;

    private VisitsServer(HttpServer server, ExecutorService executor, DataSource dataSource) {
        this.server = server;
        this.executor = executor;
        this.dataSource = dataSource;
    }

    /** Creates the visits table if needed and starts serving on 127.0.0.1:{@code port} (0: any free port). */
    public static VisitsServer start(DataSource dataSource, int port) throws IOException, SQLException {
        Objects.requireNonNull(dataSource, "dataSource == null");
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS visits ("
                    + " id SERIAL PRIMARY KEY,"
                    + " visited_at TIMESTAMPTZ NOT NULL DEFAULT NOW())");
        }
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        ExecutorService executor = Executors.newFixedThreadPool(4);
        VisitsServer visits = new VisitsServer(server, executor, dataSource);
        server.createContext("/", visits::handle);
        server.setExecutor(executor);
        server.start();
        return visits;
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        int status = 200;
        String body;
        try {
            body = "Visits: " + recordVisit() + "\n";
        } catch (SQLException e) {
            status = 500;
            body = "database error: " + e.getMessage() + "\n";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private long recordVisit() throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO visits DEFAULT VALUES");
            try (ResultSet count = statement.executeQuery("SELECT count(*) FROM visits")) {
                count.next();
                return count.getLong(1);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** Serves on {@code $PORT} (default 3000) until stopped, with the database from {@code DATABASE_URL}. */
    public static void main(String[] args) throws IOException, SQLException {
        String port = System.getenv().getOrDefault("PORT", "3000");
        PooledDataSource dataSource = Environment.current().dataSource();
        VisitsServer visits = start(dataSource, Integer.parseInt(port));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            visits.close();
            dataSource.close();
        }, "visits-stop"));
        System.out.println("visits: listening on http://127.0.0.1:" + visits.port() + "/");
    }
}
