package dev.addons.memcache;

import dev.addons.api.Endpoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The provider's one question to a server, over the text protocol: {@code version}, answered
 * {@code VERSION 1.6.18}. It is the readiness check, and it says which version serves a tenant.
 * Stateless and thread-safe.
 */
final class MemcachedAdmin {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration WORK_TIMEOUT = Duration.ofSeconds(30);
    private static final String PREFIX = "VERSION ";

    private MemcachedAdmin() {
    }

    /** A readiness check: the server answers {@code version}. */
    static void checkReady(Endpoint endpoint) throws IOException {
        version(endpoint, READY_TIMEOUT);
    }

    /** The version the server reports. */
    static String version(Endpoint endpoint) throws IOException {
        return version(endpoint, WORK_TIMEOUT);
    }

    private static String version(Endpoint endpoint, Duration timeout) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write("version\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            if (line == null || !line.startsWith(PREFIX)) {
                throw new IOException("version answered " + (line == null ? "nothing" : "'" + line + "'"));
            }
            return line.substring(PREFIX.length()).strip();
        }
    }
}
