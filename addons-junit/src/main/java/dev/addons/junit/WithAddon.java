package dev.addons.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One addon a test class needs, e.g. {@code @WithAddon(name = "valkey", version = "7")}.
 * Repeatable; several are gathered in {@link WithAddons}, which also says their scope and runtime
 * (on their own they live per class, on the {@code auto} runtime).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Repeatable(WithAddons.class)
@ExtendWith(AddonsExtension.class)
public @interface WithAddon {

    /** The addon's name or alias, e.g. {@code postgresql}. */
    String name();

    /** A supported version, e.g. {@code 15}; empty for the addon's default. */
    String version() default "";

    /** The variant, e.g. {@code shared}; empty for the default ({@code small}). */
    String variant() default "";
}
