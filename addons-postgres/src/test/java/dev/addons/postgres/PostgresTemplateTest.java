package dev.addons.postgres;

import dev.addons.api.spi.ServerAccess;
import dev.addons.testkit.TemplateScenarios;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/** The data-template scenarios for PostgreSQL 15 (or {@code addons.test.postgres.version}) on the process runtime. */
class PostgresTemplateTest extends TemplateScenarios {

    PostgresTemplateTest() {
        super(new PostgresProvider(), System.getProperty("addons.test.postgres.version", "15"));
    }

    @Override
    protected void write(ServerAccess admin, String value) throws SQLException {
        try (Connection connection = PostgresAdmin.connect(admin, PostgresAdmin.MAINTENANCE_DATABASE);
                Statement sql = connection.createStatement()) {
            sql.execute("create table public.template_probe (value text)");
            sql.execute("insert into public.template_probe values ('" + value + "')");
        }
    }

    @Override
    protected Optional<String> read(ServerAccess admin) throws SQLException {
        try (Connection connection = PostgresAdmin.connect(admin, PostgresAdmin.MAINTENANCE_DATABASE);
                Statement sql = connection.createStatement()) {
            if (!exists(sql, "select to_regclass('public.template_probe') is not null")) {
                return Optional.empty();
            }
            try (ResultSet rows = sql.executeQuery("select value from public.template_probe")) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
        }
    }

    @Override
    protected boolean syncsEachCommit(ServerAccess admin) throws SQLException {
        try (Connection connection = PostgresAdmin.connect(admin, PostgresAdmin.MAINTENANCE_DATABASE);
                Statement sql = connection.createStatement()) {
            return exists(sql, "select current_setting('fsync') = 'on' and current_setting('synchronous_commit') = 'on'"
                    + " and current_setting('full_page_writes') = 'on'");
        }
    }

    private static boolean exists(Statement sql, String query) throws SQLException {
        try (ResultSet rows = sql.executeQuery(query)) {
            rows.next();
            return rows.getBoolean(1);
        }
    }
}
