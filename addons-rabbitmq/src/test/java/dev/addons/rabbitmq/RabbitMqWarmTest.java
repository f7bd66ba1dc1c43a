package dev.addons.rabbitmq;

import dev.addons.testkit.WarmScenarios;

/** The warm server scenarios for RabbitMq on the process runtime. */
class RabbitMqWarmTest extends WarmScenarios {
    RabbitMqWarmTest() {
        super(new RabbitMqUnderTest());
    }
}
