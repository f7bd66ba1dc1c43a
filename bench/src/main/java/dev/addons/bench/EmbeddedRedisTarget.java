package dev.addons.bench;

import java.net.ServerSocket;
import java.util.Map;
import redis.embedded.RedisServer;

/** codemonstur's embedded-redis with the Redis 6.2 binary it bundles, bound to 127.0.0.1. */
final class EmbeddedRedisTarget implements Target {

    @Override
    public String name() {
        return "embedded-redis";
    }

    @Override
    public Instance start() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        RedisServer server = RedisServer.newRedisServer().port(port).bind("127.0.0.1").build();
        server.start();
        Map<String, String> vars = Map.of("VALKEY_URL", "redis://127.0.0.1:" + port);
        return new Instance() {
            @Override
            public Map<String, String> variables() {
                return vars;
            }

            @Override
            public void close() throws Exception {
                server.stop();
            }
        };
    }
}
