package dev.addons.rabbitmq;

import dev.addons.api.Endpoint;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.Urls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The management plugin's HTTP API of one node, as its administrator: plain HTTP/1.1 on the
 * node's {@code management} endpoint (loopback for local runtimes), basic authentication, JSON
 * bodies. One {@link HttpClient} serves every node. {@link #toString()} holds no secret.
 * Immutable and thread-safe.
 */
final class ManagementApi {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final Pattern VERSION = Pattern.compile("\"rabbitmq_version\"\\s*:\\s*\"([^\"]*)\"");

    private final URI base;
    private final String authorization;
    private final Duration timeout;

    private ManagementApi(URI base, String authorization, Duration timeout) {
        this.base = base;
        this.authorization = authorization;
        this.timeout = timeout;
    }

    /** The API of {@code server}, each request given {@code timeout} to answer. */
    static ManagementApi of(ServerAccess server, Duration timeout) {
        Endpoint endpoint = server.endpoint(RabbitMqProcess.MANAGEMENT);
        String credentials = server.adminUser() + ":" + server.adminPassword();
        return new ManagementApi(
                URI.create("http://" + Urls.host(endpoint.host()) + ":" + endpoint.port()),
                "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)), timeout);
    }

    /** An answer: its status and body. */
    record Response(int status, String body) {
        boolean isSuccess() {
            return status >= 200 && status < 300;
        }
    }

    Response get(String path) throws IOException, InterruptedException {
        return send(request(path).GET());
    }

    Response put(String path, String json) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
    }

    Response post(String path, String json) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
    }

    Response delete(String path) throws IOException, InterruptedException {
        return send(request(path).DELETE());
    }

    /** The node's RabbitMQ version, from {@code /api/overview}; empty when it does not say. */
    Optional<String> serverVersion() throws IOException, InterruptedException {
        Response overview = get("/api/overview");
        Matcher matcher = VERSION.matcher(overview.body());
        return overview.isSuccess() && matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).header("Authorization", authorization);
    }

    private static Response send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body());
    }

    @Override
    public String toString() {
        return "ManagementApi[" + base + "]";
    }
}
