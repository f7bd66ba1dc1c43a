package dev.addons.memcache;

import dev.addons.testkit.AddonScenarios;
import dev.addons.testkit.RuntimeUnderTest;

/** The shared scenarios for memcached on the container runtime, on the test image through the custom-image feature. */
class MemcachedOnContainerTest extends AddonScenarios {
    MemcachedOnContainerTest() {
        super(new MemcachedUnderTest(), RuntimeUnderTest.container());
    }
}
