package dev.addons.mysql;

import dev.addons.testkit.ChosenConnectionLimitScenarios;

/**
 * An app's chosen {@code connections} through the whole SDK on a shared MySQL 8 server (MariaDB
 * 10.11 from Debian, on the process runtime): its user's {@code MAX_USER_CONNECTIONS}.
 */
class ChosenConnectionLimitTest extends ChosenConnectionLimitScenarios {
    ChosenConnectionLimitTest() {
        super(new MysqlUnderTest());
    }
}
