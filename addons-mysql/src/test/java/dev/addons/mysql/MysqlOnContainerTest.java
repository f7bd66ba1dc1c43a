package dev.addons.mysql;

import dev.addons.testkit.AddonScenarios;
import dev.addons.testkit.RuntimeUnderTest;

/** The shared scenarios for MySQL 8 on the container runtime, on the test image through the custom-image feature. */
class MysqlOnContainerTest extends AddonScenarios {
    MysqlOnContainerTest() {
        super(new MysqlUnderTest(), RuntimeUnderTest.container());
    }
}
