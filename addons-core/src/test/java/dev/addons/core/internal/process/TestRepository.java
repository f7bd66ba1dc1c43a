package dev.addons.core.internal.process;

import com.sun.net.httpserver.HttpServer;
import dev.addons.api.spi.BinaryDistribution.Download;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Duration;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A Maven repository served over HTTP on 127.0.0.1 that counts the requests it answers. */
final class TestRepository implements AutoCloseable {
    private final Map<String, byte[]> artifacts = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile Duration delay = Duration.ZERO;
    private final HttpServer server;

    TestRepository() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/maven2/", exchange -> {
            requests.incrementAndGet();
            try {
                Thread.sleep(delay.toMillis()); // a slow network, when a test asks for one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = artifacts.get(exchange.getRequestURI().getPath().substring("/maven2/".length()));
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                if (body != null) {
                    out.write(body);
                }
            }
        });
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/maven2/");
    }

    /** Serves {@code jar} as the artifact and returns its download, with its true SHA-256. */
    Download put(String artifactId, String archiveEntry, byte[] jar) {
        Download download = new Download("dev.addons.test", artifactId, "1.0", sha256(jar), archiveEntry, "bin");
        artifacts.put(download.repositoryPath(), jar);
        return download;
    }

    /** Answers every later request only after {@code delay}. */
    void delayResponses(Duration delay) {
        this.delay = delay;
    }

    int requests() {
        return requests.get();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }
}
