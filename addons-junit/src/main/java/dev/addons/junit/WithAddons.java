package dev.addons.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Provisions addons for a test class and injects what its tests need: the
 * {@link dev.addons.core.Environment}, the variables (as {@link dev.addons.api.Credentials} or a
 * {@code Map<String, String>}), one variable ({@link AddonVariable}) or a {@link javax.sql.DataSource}.
 *
 * <pre>{@code
 * @WithAddons(value = @WithAddon(name = "postgresql", version = "15", variant = "shared"), scope = Scope.RUN)
 * class OrdersTest {
 *     @Test
 *     void stores_an_order(DataSource db) { ... }
 * }
 * }</pre>
 *
 * <p>The addons belong to an app of their own, named after the test class, in the environment
 * {@code test}, and are deprovisioned when the {@link #scope()} ends, whether its tests passed or
 * not. Inherited by subclasses; {@code @Nested} classes use their enclosing class's addons.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(AddonsExtension.class)
public @interface WithAddons {

    /** The addons, one per name. */
    WithAddon[] value();

    /** How long the addons live, and who shares them; default: the test class. */
    Scope scope() default Scope.CLASS;

    /**
     * Where the servers run: {@code process}, {@code container} or {@code auto} (the default: the
     * container runtime when a Docker-API endpoint answers, else the process runtime). The JUnit
     * configuration parameter {@code addons.junit.runtime} says what {@code auto} stands for in a
     * run, e.g. {@code -Daddons.junit.runtime=process} in CI.
     */
    String runtime() default "auto";

    /**
     * Whether to set the system properties frameworks read (Spring Boot's, as each addon's provider
     * maps its variables: {@code spring.datasource.url}, {@code spring.datasource.username},
     * {@code spring.datasource.password} from a SQL addon, {@code spring.data.redis.url},
     * {@code spring.rabbitmq.*}) while the scope is active; a property two addons map is the first
     * declared one's. The former values come back when it ends. System properties are global to
     * the JVM: with test classes running concurrently, use it with {@link Scope#RUN}.
     */
    boolean frameworkProperties() default false;

    /**
     * A preparation each scope's SQL addon is copied from, e.g. {@code template = Schema.class}:
     * the {@link AddonTemplate} runs once per test run, and every class (or, with
     * {@link Scope#METHOD}, every test) gets a copy of the database it prepared. Needs the SQL
     * addon on its {@code shared} variant and a provider that copies tenants (PostgreSQL). The
     * default, {@code AddonTemplate.class} itself, means none: the databases start empty.
     */
    Class<? extends AddonTemplate> template() default AddonTemplate.class;
}
