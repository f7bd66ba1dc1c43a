package dev.addons.mysql;

import dev.addons.testkit.RuntimeServer;

/**
 * Backup and restore of MySQL 8 as MariaDB 10.11 from Debian's binaries on the process runtime,
 * with the mysqldump and mysql client Debian installs next to them (in /usr/bin).
 */
class MysqlBackupOnProcessTest extends MysqlBackupTests {

    @Override
    RuntimeServer start(MysqlProvider provider) throws Exception {
        return RuntimeServer.onProcess(provider, new MysqlUnderTest().processVersion());
    }
}
