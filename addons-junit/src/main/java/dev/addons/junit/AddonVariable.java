package dev.addons.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Injects one variable of the test's addons into a {@code String} parameter, e.g.
 * {@code @AddonVariable("DATABASE_URL") String url}. A variable no addon of the test provides is
 * reported with the ones they do.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface AddonVariable {

    /** The variable's name, e.g. {@code PGHOST}. */
    String value();
}
