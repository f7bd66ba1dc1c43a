package dev.addons.memcache;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import net.spy.memcached.MemcachedClient;

/** A spymemcached client made from an app's variables alone, closed when the test is done with it. */
final class MemcachedClients implements AutoCloseable {
    private final MemcachedClient client;

    private MemcachedClients(MemcachedClient client) {
        this.client = client;
    }

    /** A client for the server in {@code MEMCACHE_URL}. */
    static MemcachedClients fromUrl(Map<String, String> vars) throws IOException {
        URI url = URI.create(vars.get("MEMCACHE_URL"));
        return new MemcachedClients(new MemcachedClient(new InetSocketAddress(url.getHost(), url.getPort())));
    }

    /** A client for the server at {@code MEMCACHE_HOST} and {@code MEMCACHE_PORT}. */
    static MemcachedClients fromHostAndPort(Map<String, String> vars) throws IOException {
        return new MemcachedClients(new MemcachedClient(new InetSocketAddress(vars.get("MEMCACHE_HOST"),
                Integer.parseInt(vars.get("MEMCACHE_PORT")))));
    }

    MemcachedClient client() {
        return client;
    }

    @Override
    public void close() {
        client.shutdown();
    }
}
