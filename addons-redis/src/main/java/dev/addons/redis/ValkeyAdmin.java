package dev.addons.redis;

import dev.addons.api.spi.ServerAccess;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The provider's connections to a server as its {@code default} user: the readiness check
 * ({@code AUTH} and {@code PING}) and the {@code INFO server} query that says which server and
 * version answer. Stateless and thread-safe.
 */
final class ValkeyAdmin {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(2);
    static final Duration WORK_TIMEOUT = Duration.ofSeconds(30);

    private ValkeyAdmin() {
    }

    /**
     * What answers at an endpoint.
     *
     * @param server  {@code valkey} or {@code redis}
     * @param version its version, e.g. {@code 7.0.15}
     */
    record ServerInfo(String server, String version) {
    }

    /**
     * A readiness check: the admin password is accepted and {@code PING} answers {@code PONG}
     * (a server still loading its snapshot answers {@code LOADING} instead).
     */
    static void checkReady(ServerAccess server) throws IOException {
        try (RespConnection connection = connect(server, READY_TIMEOUT)) {
            String pong = connection.callForString("PING");
            if (!pong.equals("PONG")) {
                throw new IOException("PING answered " + pong);
            }
        }
    }

    /** Which server and version answer, from {@code INFO server}. */
    static ServerInfo serverInfo(ServerAccess server) throws IOException {
        try (RespConnection connection = connect(server, WORK_TIMEOUT)) {
            return parse(connection.callForString("INFO", "server"));
        }
    }

    /**
     * Reads {@code INFO server}: Valkey says {@code server_name:valkey} and
     * {@code valkey_version} (its {@code redis_version} stays at 7.2.4 for old clients); Redis
     * has neither.
     */
    static ServerInfo parse(String info) {
        Map<String, String> fields = new HashMap<>();
        info.lines().filter(line -> line.indexOf(':') > 0 && !line.startsWith("#")).forEach(line ->
                fields.put(line.substring(0, line.indexOf(':')), line.substring(line.indexOf(':') + 1).strip()));
        String server = fields.getOrDefault("server_name", "redis");
        String version = fields.getOrDefault(server + "_version", fields.getOrDefault("redis_version", "unknown"));
        return new ServerInfo(server, version);
    }

    /** A connection authenticated as the {@code default} user; {@code timeout} bounds every read. */
    static RespConnection connect(ServerAccess server, Duration timeout) throws IOException {
        RespConnection connection = RespConnection.open(server.endpoint(), timeout);
        try {
            // AUTH with the password alone authenticates the default user, as requirepass expects.
            connection.callForString("AUTH", server.adminPassword());
            return connection;
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }
}
