package dev.addons.redis;

import dev.addons.testkit.AddonScenarios;
import dev.addons.testkit.RuntimeUnderTest;

/** The shared scenarios for Valkey on the process runtime. */
class ValkeyOnProcessTest extends AddonScenarios {
    ValkeyOnProcessTest() {
        super(new ValkeyUnderTest(), RuntimeUnderTest.process());
    }
}
