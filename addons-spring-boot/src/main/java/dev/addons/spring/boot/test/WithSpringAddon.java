package dev.addons.spring.boot.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * One addon a Spring test's application context needs, e.g.
 * {@code @WithSpringAddon(name = "postgresql", variant = "shared")} next to {@code @SpringBootTest}.
 * The addons are provisioned for that context alone, before it starts, and turned into its
 * {@code ConnectionDetails} beans (no system property is set); they are deprovisioned when the
 * context closes. Test classes declaring the same addons share one cached context, and so one set.
 * Repeatable; {@link WithSpringAddons} holds several and the runtime.
 *
 * @since 0.1.0
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Repeatable(WithSpringAddons.class)
public @interface WithSpringAddon {

    /** The addon's name or alias, e.g. {@code postgresql}. */
    String name();

    /** A supported version, e.g. {@code 15}; empty for the addon's default. */
    String version() default "";

    /** The variant, e.g. {@code shared}; empty for the addon's default. */
    String variant() default "";
}
