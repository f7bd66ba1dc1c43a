package dev.addons.redis;

import dev.addons.testkit.AddonScenarios;
import dev.addons.testkit.RuntimeUnderTest;

/** The shared scenarios for Valkey on the container runtime, on the test image through the custom-image feature. */
class ValkeyOnContainerTest extends AddonScenarios {
    ValkeyOnContainerTest() {
        super(new ValkeyUnderTest(), RuntimeUnderTest.container());
    }
}
