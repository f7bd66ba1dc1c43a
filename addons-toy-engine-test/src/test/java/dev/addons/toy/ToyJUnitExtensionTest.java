package dev.addons.toy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.addons.api.Credentials;
import dev.addons.core.Environment;
import dev.addons.junit.AddonVariable;
import dev.addons.junit.WithAddon;
import dev.addons.junit.WithAddons;
import dev.addons.testkit.ServerProcesses;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * The JUnit extension (addons-junit) with the toy engine, as with any other: a test class
 * declares {@code @WithAddon(name = "toy")} and gets it injected into its constructor and its
 * test methods, and, with {@code frameworkProperties = true}, as the system properties the toy's
 * provider maps its variables to while the class runs. The case class is run by JUnit's
 * {@link EngineTestKit} in a home of this test's, so that what is left afterwards can be checked.
 */
class ToyJUnitExtensionTest {
    private Path home;

    @BeforeEach
    void createAHome() throws IOException {
        home = ToyHome.create();
    }

    @AfterEach
    void deleteTheHome() throws IOException {
        System.clearProperty("toy.url");
        ToyHome.delete(home);
    }

    @Test
    void theExtensionInjectsTheToyAndSetsItsPropertiesWhileTheClassRunsThenTakesItAllAway() throws IOException {
        System.setProperty("toy.url", "toy://before");

        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("addons.junit.home", home.toString())
                .selectors(selectClass(ToyCase.class)).execute();

        assertPassed(results, 3);
        assertThat(System.getProperty("toy.url")).as("toy.url after the class").isEqualTo("toy://before");
        assertThat(System.getProperty("toy.username")).as("toy.username after the class").isNull();
        assertThat(ServerProcesses.under(home)).as("server processes under " + home).isEmpty();
    }

    private static void assertPassed(EngineExecutionResults results, int tests) {
        List<Throwable> failures = new ArrayList<>();
        results.allEvents().failed().stream()
                .map(e -> e.getRequiredPayload(TestExecutionResult.class).getThrowable())
                .forEach(t -> t.ifPresent(failures::add));
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError(failures.size() + " failure(s) in the case", failures.get(0));
            failures.stream().skip(1).forEach(error::addSuppressed);
            throw error;
        }
        results.testEvents().assertStatistics(s -> s.succeeded(tests).failed(0).aborted(0).skipped(0));
    }

    /** Run by {@link EngineTestKit} only (surefire leaves nested classes alone). */
    @WithAddons(runtime = "process", frameworkProperties = true, value = @WithAddon(name = "toy", variant = "shared"))
    static class ToyCase {
        private final Credentials credentials;

        ToyCase(Credentials credentials) {
            this.credentials = credentials;
        }

        @Test
        void storesAndReadsAKeyWithTheInjectedUrl(@AddonVariable("TOY_URL") String url) throws IOException {
            try (ToyClient client = ToyClient.connect(url)) {
                client.set("colour", "teal");
                assertThat(client.get("colour")).contains("teal");
            }
        }

        @Test
        void theConstructorsCredentialsTheEnvironmentAndTheVariablesAgree(Environment environment,
                Map<String, String> variables) {
            assertThat(credentials.toMap()).isEqualTo(variables).isEqualTo(environment.variables())
                    .containsOnlyKeys("TOY_URL", "TOY_HOST", "TOY_PORT", "TOY_USER", "TOY_PASSWORD");
            assertThat(credentials.isSensitive("TOY_PASSWORD")).isTrue();
        }

        @Test
        void theSystemPropertiesAreTheOnesTheToysProviderMapsItsVariablesTo(@AddonVariable("TOY_URL") String url,
                @AddonVariable("TOY_USER") String user) throws IOException {
            assertThat(System.getProperty("toy.url")).isEqualTo(url);
            assertThat(System.getProperty("toy.username")).isEqualTo(user);
            try (ToyClient client = ToyClient.connect(System.getProperty("toy.url"))) {
                assertThat(client.call("PING")).isEqualTo("PONG");
            }
        }
    }
}
