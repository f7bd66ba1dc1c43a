package dev.addons.spring.boot;

import dev.addons.core.App;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code addons} health component ({@link AddonsHealthIndicator}) when Spring Boot Actuator is
 * on the class path: live checks when an {@link App} bean exists (as in tests with the test
 * integration), else the recorded statuses of {@code ADDONS_APP}'s addons.
 *
 * @since 0.1.0
 */
@AutoConfiguration
@ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
public class AddonsHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "addonsHealthIndicator")
    public AddonsHealthIndicator addonsHealthIndicator(ObjectProvider<App> app) {
        App available = app.getIfUnique();
        return available != null ? AddonsHealthIndicator.of(available) : AddonsHealthIndicator.recorded(System.getenv());
    }
}
