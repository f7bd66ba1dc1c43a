package dev.addons.memcache;

import dev.addons.testkit.WarmScenarios;

/** The warm server scenarios for Memcached on the process runtime. */
class MemcachedWarmTest extends WarmScenarios {
    MemcachedWarmTest() {
        super(new MemcachedUnderTest());
    }
}
