package dev.addons.bench.junit;

import dev.addons.core.Environment;
import dev.addons.core.PooledDataSource;
import dev.addons.junit.AddonTemplate;
import java.sql.Connection;
import java.sql.Statement;

/** The template {@link AddonsCase}'s database is copied from: one table, one row. */
public final class Schema implements AddonTemplate {

    @Override
    public void prepare(Environment environment) throws Exception {
        // Closed before the copy is made, which ends the sessions left on the template.
        try (PooledDataSource pool = environment.dataSource(); Connection c = pool.getConnection();
                Statement sql = c.createStatement()) {
            sql.execute("create table orders (id serial primary key, item text not null)");
            sql.execute("insert into orders (item) values ('tea')");
        }
    }
}
