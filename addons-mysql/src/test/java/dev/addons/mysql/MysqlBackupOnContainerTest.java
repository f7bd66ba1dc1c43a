package dev.addons.mysql;

import dev.addons.testkit.RuntimeServer;
import dev.addons.testkit.RuntimeUnderTest;

/**
 * Backup and restore of MySQL in a container of the test image, with the mysqldump and mysql
 * client inside it. Aborted where no Docker API answers, except in CI.
 */
class MysqlBackupOnContainerTest extends MysqlBackupTests {

    @Override
    RuntimeServer start(MysqlProvider provider) throws Exception {
        try (RuntimeUnderTest container = RuntimeUnderTest.container()) {
            container.requireAvailable();
        }
        return RuntimeServer.onContainer(provider, new MysqlUnderTest().testImage());
    }
}
