package dev.addons.mysql;

import dev.addons.testkit.AddonScenarios;
import dev.addons.testkit.RuntimeUnderTest;

/** The shared scenarios for MySQL 8 on the process runtime, served by MariaDB 10.11. */
class MysqlOnProcessTest extends AddonScenarios {
    MysqlOnProcessTest() {
        super(new MysqlUnderTest(), RuntimeUnderTest.process());
    }
}
