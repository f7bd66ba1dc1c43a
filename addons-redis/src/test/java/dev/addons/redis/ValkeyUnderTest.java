package dev.addons.redis;

import dev.addons.api.Endpoint;
import dev.addons.testkit.EngineUnderTest;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.Jedis;

/**
 * Valkey for the shared scenarios: version 7 from Debian's {@code redis-server} on the process
 * runtime, the local image honouring the official valkey/valkey image's contract on the container
 * runtime, and an app that keeps strings with Jedis from {@code VALKEY_URL} alone.
 */
final class ValkeyUnderTest implements EngineUnderTest {

    @Override
    public String addon() {
        return "valkey";
    }

    @Override
    public String processVersion() {
        return "7";
    }

    @Override
    public String testImage() {
        return "localhost/addons-test/valkey:7";
    }

    @Override
    public List<String> variables() {
        return List.of("VALKEY_URL", "VALKEY_HOST", "VALKEY_PORT", "VALKEY_PASSWORD",
                "REDIS_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD");
    }

    @Override
    public Endpoint endpoint(Map<String, String> variables) {
        return new Endpoint(variables.get("VALKEY_HOST"), Integer.parseInt(variables.get("VALKEY_PORT")));
    }

    @Override
    public void write(Map<String, String> variables, String key, String value) {
        try (Jedis jedis = new Jedis(URI.create(variables.get("VALKEY_URL")))) {
            jedis.set(key, value);
        }
    }

    /** {@code SAVE}: the RDB snapshot a crashed server comes back with (it writes one on its own only now and then). */
    @Override
    public void checkpoint(Map<String, String> variables) {
        try (Jedis jedis = new Jedis(URI.create(variables.get("VALKEY_URL")))) {
            jedis.save();
        }
    }

    @Override
    public Optional<String> read(Map<String, String> variables, String key) {
        try (Jedis jedis = new Jedis(URI.create(variables.get("VALKEY_URL")))) {
            return Optional.ofNullable(jedis.get(key));
        }
    }
}
