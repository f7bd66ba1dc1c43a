package dev.addons.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

class AddonsHealthIndicatorTest {

    @Test
    void aProcessThatNamesNoAppReportsUnknownAndSaysWhy() {
        Health health = AddonsHealthIndicator.recorded(Map.of("PATH", "/usr/bin")).health();

        assertThat(health.getStatus()).isEqualTo(Status.UNKNOWN);
        assertThat(health.getDetails()).containsEntry("reason", "no app: ADDONS_APP is not set");
    }
}
