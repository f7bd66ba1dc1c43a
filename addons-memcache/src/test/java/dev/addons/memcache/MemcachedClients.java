package dev.addons.memcache;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.ConnectionFactoryBuilder.Protocol;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.auth.AuthDescriptor;
import net.spy.memcached.auth.PlainCallbackHandler;

/**
 * A spymemcached client made from an app's variables alone (binary protocol, SASL PLAIN), closed
 * when the test is done with it; or, for attacks, one with other credentials or none.
 */
final class MemcachedClients implements AutoCloseable {
    private final MemcachedClient client;

    private MemcachedClients(MemcachedClient client) {
        this.client = client;
    }

    /** A client for the server and the user in {@code MEMCACHE_URL} ({@code memcache://user:password@host:port}). */
    static MemcachedClients fromUrl(Map<String, String> vars) throws IOException {
        URI url = URI.create(vars.get("MEMCACHE_URL"));
        String[] userInfo = url.getRawUserInfo().split(":", 2);
        return authenticated(url.getHost(), url.getPort(), decode(userInfo[0]), decode(userInfo[1]));
    }

    /** A client for {@code MEMCACHE_HOST} and {@code MEMCACHE_PORT} as {@code MEMCACHE_USERNAME} with {@code MEMCACHE_PASSWORD}. */
    static MemcachedClients fromHostAndPort(Map<String, String> vars) throws IOException {
        return authenticated(vars.get("MEMCACHE_HOST"), Integer.parseInt(vars.get("MEMCACHE_PORT")),
                vars.get("MEMCACHE_USERNAME"), vars.get("MEMCACHE_PASSWORD"));
    }

    /** A client that authenticates as {@code user} with {@code password}. */
    static MemcachedClients authenticated(String host, int port, String user, String password) throws IOException {
        AuthDescriptor auth = new AuthDescriptor(new String[] {"PLAIN"}, new PlainCallbackHandler(user, password));
        return new MemcachedClients(new MemcachedClient(new ConnectionFactoryBuilder().setProtocol(Protocol.BINARY)
                .setAuthDescriptor(auth).build(), List.of(new InetSocketAddress(host, port))));
    }

    /** A client that does not authenticate, as every client could before memcached had a password here. */
    static MemcachedClients anonymous(String host, int port) throws IOException {
        return new MemcachedClients(new MemcachedClient(new ConnectionFactoryBuilder().setProtocol(Protocol.BINARY)
                .build(), List.of(new InetSocketAddress(host, port))));
    }

    private static String decode(String component) {
        return URLDecoder.decode(component, StandardCharsets.UTF_8);
    }

    MemcachedClient client() {
        return client;
    }

    @Override
    public void close() {
        client.shutdown();
    }
}
