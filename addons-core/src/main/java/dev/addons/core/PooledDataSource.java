package dev.addons.core;

import javax.sql.DataSource;

/**
 * A pool of connections to an addon's database, as {@link Environment#dataSource()} makes it:
 * closing it closes its connections. Thread-safe. {@link #unwrap} gives the pool underneath
 * ({@code com.zaxxer.hikari.HikariDataSource}) for its metrics and settings.
 *
 * @since 0.3
 */
public interface PooledDataSource extends DataSource, AutoCloseable {
    /** Closes the pool and its connections; idempotent. */
    @Override
    void close();
}
