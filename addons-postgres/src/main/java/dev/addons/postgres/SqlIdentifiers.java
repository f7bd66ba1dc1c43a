package dev.addons.postgres;

import java.util.Objects;
import java.util.Set;

/**
 * Quoting of SQL identifiers, and the names a tenant may not take. Tenant names are validated
 * before they get here, but every name in a statement is still quoted, so that the SQL is right
 * on its own. No statement this module builds carries a literal value taken from input: values
 * are bind parameters, and passwords are sent as SCRAM verifiers computed by the driver.
 * Stateless and thread-safe.
 */
final class SqlIdentifiers {

    /**
     * Databases and roles every server has, which a tenant must never replace or drop, and the
     * spare database a server started from the template carries.
     */
    private static final Set<String> RESERVED = Set.of("postgres", "template0", "template1", "public",
            PostgresTenants.SPARE);

    /** The reserved names for messages, the admin aside. */
    static final String RESERVED_NAMES = "postgres, template0, template1, public, " + PostgresTenants.SPARE + ", pg_*";

    private SqlIdentifiers() {
    }

    /** {@code name} as a quoted identifier: in double quotes, each double quote doubled. */
    static String quote(String name) {
        Objects.requireNonNull(name, "name == null");
        if (name.isEmpty() || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a valid identifier: " + name);
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /**
     * Whether {@code name} belongs to the server rather than to a tenant: the maintenance and
     * template databases, the spare database, the admin role, the {@code public} pseudo-role and
     * the {@code pg_} prefix PostgreSQL reserves for its own roles.
     */
    static boolean isReserved(String name, String adminUser) {
        return RESERVED.contains(name) || name.equals(adminUser) || name.startsWith("pg_");
    }
}
