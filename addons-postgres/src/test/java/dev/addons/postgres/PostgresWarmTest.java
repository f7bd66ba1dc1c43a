package dev.addons.postgres;

import dev.addons.testkit.WarmScenarios;

/** The warm server scenarios for Postgres on the process runtime. */
class PostgresWarmTest extends WarmScenarios {
    PostgresWarmTest() {
        super(new PostgresUnderTest());
    }
}
