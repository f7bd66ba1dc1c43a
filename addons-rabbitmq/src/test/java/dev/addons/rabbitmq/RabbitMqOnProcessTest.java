package dev.addons.rabbitmq;

import dev.addons.testkit.AddonScenarios;
import dev.addons.testkit.RuntimeUnderTest;

/** The shared scenarios for RabbitMQ 3 on the process runtime, from Debian's package. */
class RabbitMqOnProcessTest extends AddonScenarios {
    RabbitMqOnProcessTest() {
        super(new RabbitMqUnderTest(), RuntimeUnderTest.process());
    }
}
