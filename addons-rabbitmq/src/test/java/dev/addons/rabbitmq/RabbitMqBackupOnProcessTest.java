package dev.addons.rabbitmq;

/** RabbitMQ backups and restores on the process runtime, from Debian's RabbitMQ 3.10. */
class RabbitMqBackupOnProcessTest extends RabbitMqBackupScenarios {
    RabbitMqBackupOnProcessTest() {
        super("process", "3");
    }
}
