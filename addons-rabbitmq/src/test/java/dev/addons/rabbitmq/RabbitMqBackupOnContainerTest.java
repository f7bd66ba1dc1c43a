package dev.addons.rabbitmq;

/** RabbitMQ backups and restores on the container runtime, with the local image honouring rabbitmq:3-management's contract. */
class RabbitMqBackupOnContainerTest extends RabbitMqBackupScenarios {
    RabbitMqBackupOnContainerTest() {
        super("container", "localhost/addons-test/rabbitmq:3.10-management");
    }
}
