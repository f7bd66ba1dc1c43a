package dev.addons.postgres;

import dev.addons.testkit.SharedTenantConnectionLimitScenarios;

/**
 * The default connection limit of a shared tenant's role, and none for a dedicated server's, on a
 * real PostgreSQL 15 server (Debian's, on the process runtime).
 */
class SharedTenantConnectionLimitTest extends SharedTenantConnectionLimitScenarios {
    SharedTenantConnectionLimitTest() {
        super(new PostgresUnderTest());
    }
}
