package dev.addons.toy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The toy engine's ordinary client: connects with a {@code toy://user:password@host:port} URL
 * and nothing else, and logs in. What apps (and the provider, as the admin) use. Not thread-safe.
 */
final class ToyClient implements AutoCloseable {
    private static final int TIMEOUT_MS = 5_000;

    private final Socket socket;
    private final BufferedReader in;
    private final PrintWriter out;

    private ToyClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = new PrintWriter(new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8), true);
    }

    /** A client logged in as the URL's user; throws when the URL is no toy URL or the login is refused. */
    static ToyClient connect(String url) throws IOException {
        URI uri = URI.create(url);
        if (!"toy".equals(uri.getScheme()) || uri.getRawUserInfo() == null || uri.getPort() < 0) {
            throw new IllegalArgumentException("expected toy://user:password@host:port (the URL is not shown: it"
                    + " holds a password)");
        }
        String[] userInfo = uri.getRawUserInfo().split(":", 2);
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        return connect(host, uri.getPort(), decode(userInfo[0]), decode(userInfo[1]));
    }

    /** A client logged in as {@code user}. */
    static ToyClient connect(String host, int port, String user, String password) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            ToyClient client = new ToyClient(socket);
            String answer = client.call("AUTH " + user + " " + password);
            if (!answer.equals("OK")) {
                throw new IOException("the toy server at " + host + ":" + port + " refused " + user + ": " + answer);
            }
            return client;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends one request line and returns the answer line. */
    String call(String request) throws IOException {
        out.println(request);
        String answer = in.readLine();
        if (answer == null) {
            throw new IOException("the toy server closed the connection");
        }
        return answer;
    }

    /** Sends {@code request} and throws unless the answer is {@code OK}. */
    void require(String request) throws IOException {
        String answer = call(request);
        if (!answer.equals("OK")) {
            throw new IOException(request.split(" ", 2)[0] + " failed: " + answer);
        }
    }

    void set(String key, String value) throws IOException {
        require("SET " + key + " " + value);
    }

    Optional<String> get(String key) throws IOException {
        String answer = call("GET " + key);
        if (answer.equals("NIL")) {
            return Optional.empty();
        }
        if (!answer.startsWith("VALUE ")) {
            throw new IOException("GET failed: " + answer);
        }
        return Optional.of(answer.substring("VALUE ".length()));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static String decode(String part) {
        return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
