package dev.addons.memcache;

import dev.addons.testkit.AddonScenarios;
import dev.addons.testkit.RuntimeUnderTest;

/** The shared scenarios for memcached on the process runtime. */
class MemcachedOnProcessTest extends AddonScenarios {
    MemcachedOnProcessTest() {
        super(new MemcachedUnderTest(), RuntimeUnderTest.process());
    }
}
