package dev.addons.spring.boot.test;

import dev.addons.api.AddonSpec;
import dev.addons.spring.boot.AddonConnectionDetails;
import dev.addons.spring.boot.AddonConnections;
import dev.addons.spring.boot.AddonR2dbcConnectionDetails;
import java.util.List;
import java.util.Objects;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.util.ClassUtils;

/**
 * Provisions a test context's addons before the context starts and registers, in that context
 * only, what Spring Boot connects with: the {@code ConnectionDetails} of each addon (so slices such
 * as {@code @DataJdbcTest} get them too), the {@link AddonConnections} the auto-configuration reads,
 * the app's {@link dev.addons.core.App} (live health) and its {@link dev.addons.core.Environment}.
 * The addons are deprovisioned, and their home deleted, when the context closes. Nothing global is
 * touched, so contexts may start in parallel. Equal declarations make equal customizers, which is
 * what lets Spring's context cache share one context (and one set of addons) between test classes.
 */
final class AddonsContextCustomizer implements ContextCustomizer {
    private final List<AddonSpec> specs;
    private final String runtime;

    AddonsContextCustomizer(List<AddonSpec> specs, String runtime) {
        this.specs = List.copyOf(specs);
        this.runtime = Objects.requireNonNull(runtime, "runtime == null");
    }

    @Override
    public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
        TestAddons addons = TestAddons.provision(specs, runtime, config.getTestClass());
        try {
            DefaultListableBeanFactory beans = (DefaultListableBeanFactory) context.getBeanFactory();
            beans.registerSingleton("addonsTestAddons", addons);
            beans.registerDisposableBean("addonsTestAddons", (DisposableBean) addons::close);
            AddonConnections connections = addons.connections();
            beans.registerSingleton(AddonConnections.BEAN_NAME, connections);
            beans.registerSingleton("addonsApp", addons.app());
            beans.registerSingleton("addonsEnvironment", addons.environment());
            AddonConnectionDetails.jdbc(connections).ifPresent(d -> beans.registerSingleton("addonsJdbcConnectionDetails", d));
            AddonConnectionDetails.redis(connections).ifPresent(d -> beans.registerSingleton("addonsRedisConnectionDetails", d));
            AddonConnectionDetails.rabbit(connections).ifPresent(d -> beans.registerSingleton("addonsRabbitConnectionDetails", d));
            if (ClassUtils.isPresent("io.r2dbc.spi.ConnectionFactoryOptions", context.getClassLoader())) {
                AddonR2dbcConnectionDetails.of(connections)
                        .ifPresent(d -> beans.registerSingleton("addonsR2dbcConnectionDetails", d));
            }
        } catch (RuntimeException e) {
            try {
                addons.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AddonsContextCustomizer that && specs.equals(that.specs) && runtime.equals(that.runtime);
    }

    @Override
    public int hashCode() {
        return Objects.hash(specs, runtime);
    }

    @Override
    public String toString() {
        return "AddonsContextCustomizer" + specs + " on " + runtime;
    }
}
