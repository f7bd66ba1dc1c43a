package dev.addons.bench.junit;

import org.junit.jupiter.api.Test;

/**
 * {@link AddonsCase} without its addons: the same two tests loading the same clients, with no
 * server to query, so a JVM running it does what the other does but for the extension's work.
 */
class BaselineCase {

    @Test
    void readsTheTemplatesRow() throws ClassNotFoundException {
        Class.forName("org.postgresql.Driver");
        Checks.equal(1L, 1L);
    }

    @Test
    void countsInValkey() throws ClassNotFoundException {
        // A Jedis connects as it is made: only its class is loaded here.
        Class.forName("redis.clients.jedis.Jedis");
        Checks.equal(1L, 1L);
    }
}
