package dev.addons.redis;

import dev.addons.testkit.WarmScenarios;

/** The warm server scenarios for Valkey on the process runtime. */
class ValkeyWarmTest extends WarmScenarios {
    ValkeyWarmTest() {
        super(new ValkeyUnderTest());
    }
}
