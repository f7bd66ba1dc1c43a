package dev.addons.memcache;

import dev.addons.api.Endpoint;
import dev.addons.testkit.EngineUnderTest;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * memcached for the shared scenarios: version 1.6 from Debian on the process runtime, the local
 * image honouring the official memcached image's contract on the container runtime, and an app
 * that caches strings with spymemcached from {@code MEMCACHE_URL} alone: the server and the SASL
 * user and password it carries, over the binary protocol. A cache keeps nothing across a restart,
 * and there is no shared variant.
 */
final class MemcachedUnderTest implements EngineUnderTest {

    @Override
    public String addon() {
        return "memcached";
    }

    @Override
    public String processVersion() {
        return "1.6";
    }

    @Override
    public String testImage() {
        return "localhost/addons-test/memcached:1.6";
    }

    @Override
    public List<String> variables() {
        return List.of("MEMCACHE_URL", "MEMCACHE_HOST", "MEMCACHE_PORT", "MEMCACHE_USERNAME", "MEMCACHE_PASSWORD");
    }

    @Override
    public Endpoint endpoint(Map<String, String> variables) {
        return new Endpoint(variables.get("MEMCACHE_HOST"), Integer.parseInt(variables.get("MEMCACHE_PORT")));
    }

    @Override
    public void write(Map<String, String> variables, String key, String value)
            throws IOException, InterruptedException, ExecutionException, TimeoutException {
        try (MemcachedClients clients = MemcachedClients.fromUrl(variables)) {
            if (!clients.client().set(key, 0, value).get(5, TimeUnit.SECONDS)) {
                throw new IOException("memcached did not store " + key);
            }
        }
    }

    @Override
    public Optional<String> read(Map<String, String> variables, String key) throws IOException {
        try (MemcachedClients clients = MemcachedClients.fromUrl(variables)) {
            return Optional.ofNullable((String) clients.client().get(key));
        }
    }

    @Override
    public boolean keepsDataAcrossRestart() {
        return false;
    }
}
