package dev.addons.spring.boot.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The addons of a Spring test's application context ({@link WithSpringAddon}), and where their
 * servers run.
 *
 * @since 0.1.0
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface WithSpringAddons {

    /** The addons. */
    WithSpringAddon[] value();

    /** {@code process}, {@code container} or {@code auto} (the default: as {@code --runtime auto}). */
    String runtime() default "auto";
}
