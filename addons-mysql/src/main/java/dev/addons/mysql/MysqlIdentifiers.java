package dev.addons.mysql;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;

/**
 * Names in MySQL statements: quoted identifiers, database names as {@code GRANT} patterns, the
 * user name of a tenant, and the names a tenant may not take. Tenant names are validated before
 * they get here, but every name in a statement is still quoted, so that the SQL is right on its
 * own. User names and passwords are bind parameters, never spliced into SQL text. Stateless and
 * thread-safe.
 */
final class MysqlIdentifiers {

    /** The longest user name MySQL 8 and 9 accept (MariaDB accepts longer ones). */
    static final int MAX_USER_LENGTH = 32;

    /**
     * Databases and users every server has, which a tenant must never replace or drop, and the
     * database addons records its marks in on servers it does not run ({@link MysqlMarks}).
     */
    private static final Set<String> RESERVED =
            Set.of("mysql", "sys", "information_schema", "performance_schema", "root", "public", MysqlMarks.DATABASE);

    /** {@link #RESERVED} for messages. */
    static final String RESERVED_NAMES = "mysql, sys, information_schema, performance_schema, root, public, "
            + MysqlMarks.DATABASE;

    /** How much of a long tenant name a shortened user name keeps, before {@code -} and a hash. */
    private static final int KEPT = 21;

    private MysqlIdentifiers() {
    }

    /** {@code name} as a quoted identifier: in backticks, each backtick doubled. */
    static String quote(String name) {
        Objects.requireNonNull(name, "name == null");
        if (name.isEmpty() || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a valid identifier: " + name);
        }
        return '`' + name.replace("`", "``") + '`';
    }

    /**
     * {@code database} as the quoted database of a database-level {@code GRANT}, where {@code _}
     * and {@code %} are wildcards: escaped, so that tenant {@code a_b} is not also granted
     * database {@code axb}.
     */
    static String grantPattern(String database) {
        return quote(database.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%"));
    }

    /**
     * The user name of tenant {@code tenant}: the tenant's name when it fits MySQL's 32
     * characters, else its first 21 characters, {@code -} and 10 hex digits of its SHA-256. A
     * tenant name holds no {@code -}, so a shortened name never equals another tenant's own name.
     */
    static String userName(String tenant) {
        if (tenant.length() <= MAX_USER_LENGTH) {
            return tenant;
        }
        return tenant.substring(0, KEPT) + "-" + sha256Hex(tenant).substring(0, MAX_USER_LENGTH - KEPT - 1);
    }

    /**
     * Whether {@code name} belongs to the server rather than to a tenant: its system databases,
     * the admin and root users, MariaDB's {@code PUBLIC} role, and addons' own record of marks.
     */
    static boolean isReserved(String name, String adminUser) {
        return RESERVED.contains(name) || name.equals(adminUser);
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
