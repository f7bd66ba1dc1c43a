package dev.addons.rabbitmq;

import dev.addons.testkit.AddonScenarios;
import dev.addons.testkit.RuntimeUnderTest;

/** The shared scenarios for RabbitMQ 3 on the container runtime, on the test image through the custom-image feature. */
class RabbitMqOnContainerTest extends AddonScenarios {
    RabbitMqOnContainerTest() {
        super(new RabbitMqUnderTest(), RuntimeUnderTest.container());
    }
}
