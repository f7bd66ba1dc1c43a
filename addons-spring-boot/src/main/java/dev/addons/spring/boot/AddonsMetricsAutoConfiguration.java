package dev.addons.spring.boot;

import dev.addons.core.Addons;
import dev.addons.micrometer.AddonsMetrics;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link AddonsMetrics} for the app's {@link Addons} bean, when Micrometer and addons-micrometer
 * are on the class path: Spring Boot binds it to every meter registry (Actuator's metrics
 * auto-configuration binds each {@code MeterBinder} bean), and closes it with the context. An app
 * that only reads its variables has no {@code Addons} bean and so no such metrics: they describe
 * a home, which a control plane that embeds addons holds.
 *
 * @since 0.1.0
 */
@AutoConfiguration
@ConditionalOnClass(name = {"io.micrometer.core.instrument.MeterRegistry", "dev.addons.micrometer.AddonsMetrics"})
public class AddonsMetricsAutoConfiguration {

    @Bean
    @ConditionalOnBean(Addons.class)
    @ConditionalOnMissingBean
    public AddonsMetrics addonsMetrics(Addons addons) {
        return new AddonsMetrics(addons);
    }
}
