package dev.addons.spring.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Conditional;

/**
 * Matches when one of the app's addons maps its variables to the Spring Boot property named, e.g.
 * {@code spring.datasource.url}: what {@link AddonConnections} finds, either the test's own
 * (registered under {@link AddonConnections#BEAN_NAME} by the test integration) or this process's.
 *
 * @since 0.1.0
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Conditional(OnAddonPropertyCondition.class)
public @interface ConditionalOnAddonProperty {

    /** The Spring Boot property an addon must map, e.g. {@code spring.data.redis.url}. */
    String value();
}
