package dev.addons.redis;

/** Valkey backups and restores on the container runtime, with the local image honouring valkey/valkey:7's contract. */
class ValkeyBackupOnContainerTest extends ValkeyBackupScenarios {
    ValkeyBackupOnContainerTest() {
        super("container", "localhost/addons-test/valkey:7");
    }
}
