package dev.addons.redis;

/** Valkey backups and restores on the process runtime, from Debian's {@code redis-server} 7.0. */
class ValkeyBackupOnProcessTest extends ValkeyBackupScenarios {
    ValkeyBackupOnProcessTest() {
        super("process", "7");
    }
}
