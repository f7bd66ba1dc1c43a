package dev.addons.mysql;

import dev.addons.api.spi.ServerAccess;
import dev.addons.testkit.TemplateScenarios;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/** The data-template scenarios for MySQL 8 (served by Debian's MariaDB) on the process runtime. */
class MysqlTemplateTest extends TemplateScenarios {

    MysqlTemplateTest() {
        super(new MysqlProvider(), "8");
    }

    @Override
    protected void write(ServerAccess admin, String value) throws SQLException {
        try (Connection connection = MysqlAdmin.connect(admin); Statement sql = connection.createStatement()) {
            sql.execute("create database template_probe");
            sql.execute("create table template_probe.probe (value varchar(100))");
            sql.execute("insert into template_probe.probe values ('" + value + "')");
        }
    }

    @Override
    protected Optional<String> read(ServerAccess admin) throws SQLException {
        try (Connection connection = MysqlAdmin.connect(admin); Statement sql = connection.createStatement();
                ResultSet tables = sql.executeQuery("select count(*) from information_schema.tables"
                        + " where table_schema = 'template_probe' and table_name = 'probe'")) {
            tables.next();
            if (tables.getInt(1) == 0) {
                return Optional.empty();
            }
            try (ResultSet rows = sql.executeQuery("select value from template_probe.probe")) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
        }
    }

    @Override
    protected boolean syncsEachCommit(ServerAccess admin) throws SQLException {
        try (Connection connection = MysqlAdmin.connect(admin); Statement sql = connection.createStatement();
                ResultSet rows = sql.executeQuery("select @@innodb_flush_log_at_trx_commit = 1 and @@innodb_doublewrite")) {
            rows.next();
            return rows.getBoolean(1);
        }
    }
}
