package dev.addons.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.AddonSpec;
import dev.addons.core.Addons;
import dev.addons.core.App;
import dev.addons.core.FinalBackup;
import dev.addons.micrometer.AddonsMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The metrics of an app's Addons bean, in the registry Spring Boot makes, on a real Valkey server. */
class AddonsMetricsAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
                    AddonsMetricsAutoConfiguration.class));
    private Path home;

    @BeforeEach
    void makeAHome() throws IOException {
        // A short path: engines put Unix sockets under it, and a socket's path has at most 107 bytes.
        home = Files.createTempDirectory("addons-");
    }

    @AfterEach
    void removeTheHome() throws IOException {
        try (var files = Files.walk(home)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private Addons addons() {
        return Addons.builder().home(home).runtime("process").automaticBackups(false).build();
    }

    @Test
    void anAddonsBeansOperationsAreTimedInSpringBootsRegistry() {
        runner.withBean(Addons.class, this::addons).run(context -> {
            assertThat(context).hasSingleBean(AddonsMetrics.class);
            App shop = context.getBean(Addons.class).app("shop", "test");
            shop.create(AddonSpec.of("valkey").withVersion("7"));
            shop.destroy("valkey", FinalBackup.SKIP);

            MeterRegistry registry = context.getBean(MeterRegistry.class);
            for (String operation : new String[] {"addons.create", "addons.destroy"}) {
                assertThat(registry.find(operation).tags("engine", "valkey", "outcome", "success").timer())
                        .as(operation).isNotNull().satisfies(timer -> assertThat(timer.count()).isEqualTo(1));
            }
        });
    }

    @Test
    void noAddonsBeanNoMetrics() {
        runner.run(context -> assertThat(context).doesNotHaveBean(AddonsMetrics.class));
    }

    @Test
    void withoutAddonsMicrometerNoMetrics() {
        runner.withClassLoader(new FilteredClassLoader(AddonsMetrics.class)).withBean(Addons.class, this::addons)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(AddonsMetrics.class);
                });
    }
}
