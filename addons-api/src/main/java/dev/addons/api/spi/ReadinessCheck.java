package dev.addons.api.spi;

/**
 * A protocol-level check that a started server accepts work (for a database: a connection as the
 * admin user that runs a query). The runtime calls it repeatedly until it returns normally, the
 * server dies, or the start times out; it must not wait long itself.
 */
@FunctionalInterface
public interface ReadinessCheck {
    /** Returns normally when the server is ready; throws when it is not (yet). */
    void check(ServerAccess server) throws Exception;
}
