package dev.addons.mysql;

import dev.addons.testkit.SharedTenantConnectionLimitScenarios;

/**
 * The default connection limit of a shared tenant's user, and none for a dedicated server's, on
 * MySQL 8 (MariaDB 10.11 from Debian, on the process runtime).
 */
class SharedTenantConnectionLimitTest extends SharedTenantConnectionLimitScenarios {
    SharedTenantConnectionLimitTest() {
        super(new MysqlUnderTest());
    }
}
