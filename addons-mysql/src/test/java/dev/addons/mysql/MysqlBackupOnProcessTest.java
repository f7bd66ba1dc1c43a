package dev.addons.mysql;

/**
 * Backup and restore of MySQL 8 as MariaDB 10.11 from Debian's binaries on the process runtime,
 * with the mysqldump and mysql client Debian installs next to them (in /usr/bin).
 */
class MysqlBackupOnProcessTest extends MysqlBackupTests {

    @Override
    ServerWithTools start(MysqlProvider provider) throws Exception {
        return ServerWithTools.onProcess(provider, new MysqlUnderTest().processVersion());
    }
}
