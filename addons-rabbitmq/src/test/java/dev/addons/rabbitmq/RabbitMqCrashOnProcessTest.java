package dev.addons.rabbitmq;

import dev.addons.testkit.CrashScenarios;
import dev.addons.testkit.RuntimeUnderTest;

/**
 * The crash scenarios that run RabbitMQ's own code (its virtual host made, its definitions
 * exported and converged), on the process runtime. Each node boots in seconds, so no stop and
 * start here: those are the runtime's code, run with the other engines.
 */
class RabbitMqCrashOnProcessTest extends CrashScenarios {
    RabbitMqCrashOnProcessTest() {
        super(new RabbitMqUnderTest(), RuntimeUnderTest.process(), Scenario.CREATE, Scenario.BACKUP,
                Scenario.RESTORE, Scenario.DESTROY);
    }
}
