package dev.addons.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReadinessTest {

    @Test
    void pausesAQuarterOfTheTimeWaitedWithinItsBounds() {
        assertThat(Readiness.delay(0)).isEqualTo(Readiness.MIN_DELAY_MILLIS);
        assertThat(Readiness.delay(5)).isEqualTo(Readiness.MIN_DELAY_MILLIS);
        assertThat(Readiness.delay(40)).isEqualTo(5);
        assertThat(Readiness.delay(400)).isEqualTo(Readiness.MAX_DELAY_MILLIS);
        assertThat(Readiness.delay(60_000)).isEqualTo(Readiness.MAX_DELAY_MILLIS);
    }
}
