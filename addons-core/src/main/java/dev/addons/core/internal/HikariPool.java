package dev.addons.core.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.addons.core.PooledDataSource;

/** A HikariCP pool as a {@link PooledDataSource}: HikariCP's own close throws no checked exception. */
public final class HikariPool extends HikariDataSource implements PooledDataSource {
    public HikariPool(HikariConfig config) {
        super(config);
    }
}
