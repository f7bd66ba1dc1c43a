package dev.addons.mysql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The record of what addons homes made on a MySQL server they do not run: one row per database
 * and per user in {@value #TABLE} (the home's mark {@link dev.addons.api.spi.ServerAccess#owner()},
 * the kind, the name, when), made on demand by the first tenant provisioned there. MySQL has no
 * comment on a database or a user that both MySQL 8 and MariaDB keep, hence a table. Its key is
 * the kind and the name, so one name is claimed by one home at most: of two homes marking it at
 * once, the second fails on the key. Tenants have no privilege on {@value #DATABASE} (nor on any
 * database but their own), and no tenant may take its name. Stateless and thread-safe.
 */
final class MysqlMarks {
    /** The database holding the record; reserved, so no tenant can be given this name. */
    static final String DATABASE = "addons_catalog";
    /** The table of marks. */
    static final String TABLE = DATABASE + ".objects";
    /** Kind of a tenant's database in {@value #TABLE}. */
    static final String KIND_DATABASE = "database";
    /** Kind of a tenant's user in {@value #TABLE}. */
    static final String KIND_USER = "user";

    /** MySQL's and MariaDB's errors for an unknown database and an unknown table. */
    private static final int NO_SUCH_DATABASE = 1049;
    private static final int NO_SUCH_TABLE = 1146;
    /** MySQL's and MariaDB's error for a duplicate key. */
    private static final int DUPLICATE_KEY = 1062;

    private static final String CREATE_TABLE = "create table if not exists " + TABLE + " ("
            + " home varchar(100) not null," // the mark: addons:<home id>
            + " kind varchar(16) not null,"
            + " name varchar(64) not null,"
            + " created datetime not null default current_timestamp,"
            + " primary key (kind, name)"
            + ") engine = InnoDB character set utf8mb4 collate utf8mb4_bin";
    private static final String OWNERS = "select kind, home from " + TABLE
            + " where (kind = '" + KIND_USER + "' and name = ?) or (kind = '" + KIND_DATABASE + "' and name = ?)";
    private static final String MARK = "insert into " + TABLE + " (home, kind, name) values (?, ?, ?)";
    private static final String UNMARK = "delete from " + TABLE + " where home = ?"
            + " and ((kind = '" + KIND_USER + "' and name = ?) or (kind = '" + KIND_DATABASE + "' and name = ?))";

    private MysqlMarks() {
    }

    /**
     * The homes whose marks {@code user} and {@code database} bear, by kind ({@link #KIND_USER},
     * {@link #KIND_DATABASE}); a name no home marked is absent. Empty where there is no record yet.
     */
    static Map<String, String> owners(Connection admin, String user, String database) throws SQLException {
        Map<String, String> owners = new HashMap<>();
        try (PreparedStatement select = admin.prepareStatement(OWNERS)) {
            select.setString(1, user);
            select.setString(2, database);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    owners.put(rs.getString(1), rs.getString(2));
                }
            }
        } catch (SQLException e) {
            if (!isMissing(e)) {
                throw e;
            }
        }
        return owners;
    }

    /**
     * Marks {@code user} and {@code database} as {@code home}'s, both or neither, making the
     * record first if there is none. False, with nothing marked, when another home marked either
     * meanwhile.
     */
    static boolean mark(Connection admin, String home, String user, String database) throws SQLException {
        try (Statement sql = admin.createStatement()) {
            sql.execute("create database if not exists " + MysqlIdentifiers.quote(DATABASE)
                    + " character set utf8mb4");
            sql.execute(CREATE_TABLE);
        }
        boolean autoCommit = admin.getAutoCommit();
        admin.setAutoCommit(false);
        try (PreparedStatement insert = admin.prepareStatement(MARK)) {
            insert(insert, home, KIND_USER, user);
            insert(insert, home, KIND_DATABASE, database);
            admin.commit();
            return true;
        } catch (SQLException e) {
            admin.rollback();
            if (e.getErrorCode() == DUPLICATE_KEY) {
                return false;
            }
            throw e;
        } finally {
            admin.setAutoCommit(autoCommit);
        }
    }

    /** Removes {@code home}'s marks of {@code user} and {@code database}; none there is no error. */
    static void unmark(Connection admin, String home, String user, String database) throws SQLException {
        try (PreparedStatement delete = admin.prepareStatement(UNMARK)) {
            delete.setString(1, home);
            delete.setString(2, user);
            delete.setString(3, database);
            delete.execute();
        } catch (SQLException e) {
            if (!isMissing(e)) {
                throw e;
            }
        }
    }

    private static void insert(PreparedStatement insert, String home, String kind, String name) throws SQLException {
        insert.setString(1, home);
        insert.setString(2, kind);
        insert.setString(3, name);
        insert.execute();
    }

    /** Whether {@code e} says the record does not exist (yet). */
    private static boolean isMissing(SQLException e) {
        return e.getErrorCode() == NO_SUCH_DATABASE || e.getErrorCode() == NO_SUCH_TABLE;
    }
}
