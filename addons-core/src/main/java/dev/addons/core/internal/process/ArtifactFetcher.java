package dev.addons.core.internal.process;

import dev.addons.core.runtime.ProgressListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Fetches one artifact over HTTP(S) (or from a {@code file:} repository), reporting progress and
 * refusing it unless its SHA-256 is the pinned one. Failures are {@link IOException}s whose
 * message names the URL tried and the HTTP status or I/O error. The HTTP client and its threads are made on
 * first use and released by {@link #close()}. Thread-safe.
 */
final class ArtifactFetcher implements AutoCloseable {
    private static final int PROGRESS_STEP = 256 * 1024;

    private ExecutorService executor;
    private HttpClient client;

    /**
     * Writes the artifact at {@code uri} to {@code target} and checks its SHA-256. On any failure
     * {@code target} is deleted and the {@link IOException}'s message starts with the URL tried.
     */
    void fetch(URI uri, Path target, String expectedSha256, String subject, ProgressListener progress)
            throws IOException, InterruptedException {
        String actual;
        try {
            actual = "file".equals(uri.getScheme())
                    ? copyFile(Path.of(uri), target, subject, progress)
                    : download(uri, target, subject, progress);
        } catch (IOException e) {
            deleteQuietly(target);
            throw new IOException(uri + ": " + (e.getClass() == IOException.class ? e.getMessage() : e), e);
        } catch (InterruptedException | RuntimeException e) {
            deleteQuietly(target);
            throw e;
        }
        if (!actual.equals(expectedSha256)) {
            deleteQuietly(target);
            throw new IOException(uri + ": its SHA-256 is " + actual + " but " + expectedSha256
                    + " is expected, so it was refused and deleted");
        }
    }

    private String download(URI uri, Path target, String subject, ProgressListener progress)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET().build();
        HttpResponse<InputStream> response = client().send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IOException("HTTP status " + response.statusCode());
        }
        long total = response.headers().firstValueAsLong("content-length").orElse(-1);
        return copy(response.body(), total, target, subject, progress);
    }

    private static String copyFile(Path source, Path target, String subject, ProgressListener progress)
            throws IOException {
        long total = Files.size(source);
        return copy(Files.newInputStream(source), total, target, subject, progress);
    }

    /** Copies {@code in} to {@code target}, telling {@code progress}; returns the SHA-256 in hex. */
    private static String copy(InputStream in, long total, Path target, String subject, ProgressListener progress)
            throws IOException {
        MessageDigest digest = sha256();
        try (in; OutputStream out = Files.newOutputStream(target)) {
            byte[] buffer = new byte[64 * 1024];
            long done = 0;
            long reported = 0;
            progress.transfer(subject, 0, total);
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
                digest.update(buffer, 0, n);
                done += n;
                if (done - reported >= PROGRESS_STEP) {
                    progress.transfer(subject, done, total);
                    reported = done;
                }
            }
            progress.transfer(subject, done, total);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private synchronized HttpClient client() {
        if (client == null) {
            // Our own daemon threads, so that close() releases them (HttpClient has no close() in 17).
            executor = Executors.newCachedThreadPool(runnable -> {
                Thread thread = new Thread(runnable, "addons-download");
                thread.setDaemon(true);
                return thread;
            });
            ProxySelector proxies = ProxySelector.getDefault();
            client = HttpClient.newBuilder()
                    .executor(executor)
                    .connectTimeout(Duration.ofSeconds(30))
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .proxy(proxies == null ? HttpClient.Builder.NO_PROXY : proxies)
                    .build();
        }
        return client;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // The cache directory's own lock keeps a stray partial file from ever being used.
        }
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
            client = null;
        }
    }
}
