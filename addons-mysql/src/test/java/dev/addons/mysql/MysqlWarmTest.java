package dev.addons.mysql;

import dev.addons.testkit.WarmScenarios;

/** The warm server scenarios for MySQL on the process runtime. */
class MysqlWarmTest extends WarmScenarios {
    MysqlWarmTest() {
        super(new MysqlUnderTest());
    }
}
