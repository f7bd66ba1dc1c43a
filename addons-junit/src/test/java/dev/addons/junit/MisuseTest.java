package dev.addons.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.core.Environment;
import dev.addons.junit.SharedServer.Keeper;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

/**
 * Misuse is reported with an {@link ExtensionConfigurationException} naming the annotation or
 * parameter, the value and what is allowed; nothing provisioned for it is left behind.
 */
@ExtendWith(SharedServer.class)
class MisuseTest {
    private final Keeper keeper;

    MisuseTest(Keeper keeper) {
        this.keeper = keeper;
    }

    @AfterEach
    void nothingOfTheCasesIsLeft() throws SQLException {
        keeper.assertOnlyItsOwnLeft();
    }

    @Test
    void anUnknownAddonIsNamedWithTheAddonsThereAre() {
        Throwable failure = Keeper.classFailure(keeper.run(UnknownAddonCase.class));

        assertThat(failure).isInstanceOf(ExtensionConfigurationException.class).hasMessage(
                "@WithAddon(name = \"valky\", version = \"7\") on " + UnknownAddonCase.class.getName()
                        + ": No addon provider named 'valky'. Found: [postgresql, valkey]. Check the spelling.");
    }

    @Test
    void anUnknownRuntimeIsNamedWithTheRuntimesThereAre() {
        Throwable failure = Keeper.classFailure(keeper.run(UnknownRuntimeCase.class));

        assertThat(failure).isInstanceOf(ExtensionConfigurationException.class).hasMessage(
                "@WithAddons(runtime = \"docker\") on " + UnknownRuntimeCase.class.getName()
                        + " is not a runtime: use process, container or auto");
    }

    @Test
    void parametersItCannotInjectAreNamedWithWhatIsAllowed() {
        EngineExecutionResults results = keeper.run(ParameterMisuseCase.class);

        assertThat(testFailure(results, "dataSourceOfValkey")).hasMessage("parameter 'db' (DataSource) of"
                + " ParameterMisuseCase.dataSourceOfValkey(DataSource) cannot be injected: a DataSource needs a SQL"
                + " addon (postgresql), and ParameterMisuseCase declares [valkey 7]");
        assertThat(testFailure(results, "variableNoAddonProvides")).hasMessage("@AddonVariable(\"DATABASE_URL\") on"
                + " parameter 'url' (String) of ParameterMisuseCase.variableNoAddonProvides(String): no addon of"
                + " ParameterMisuseCase [valkey 7] provides DATABASE_URL. Provided: [REDIS_HOST, REDIS_PASSWORD,"
                + " REDIS_PORT, REDIS_URL, VALKEY_HOST, VALKEY_PASSWORD, VALKEY_PORT, VALKEY_URL]");
        assertThat(testFailure(results, "variableIntoAnInt")).hasMessage("@AddonVariable(\"VALKEY_PORT\") on"
                + " parameter 'port' (int) of ParameterMisuseCase.variableIntoAnInt(int): a variable is injected into"
                + " a String only");
        assertThat(testFailure(results, "mapOfIntegers")).hasMessage("parameter 'variables' (Map) of"
                + " ParameterMisuseCase.mapOfIntegers(Map) cannot be injected: a Map of variables is a Map<String,"
                + " String>, not java.util.Map<java.lang.String, java.lang.Integer>");
    }

    @Test
    void aMethodScopeRefusesInjectionIntoBeforeAll() {
        Throwable failure = Keeper.classFailure(keeper.run(MethodScopeBeforeAllCase.class));

        assertThat(failure).cause().isInstanceOf(ExtensionConfigurationException.class).hasMessage(
                "parameter 'environment' (Environment) of MethodScopeBeforeAllCase.before(Environment) cannot be"
                        + " injected: " + MethodScopeBeforeAllCase.class.getName() + " has @WithAddons(scope ="
                        + " METHOD), whose addons exist only for a test method (and its @BeforeEach and @AfterEach"
                        + " methods); use scope = CLASS to inject them into constructors and @BeforeAll methods");
    }

    /** What the extension threw for the test {@code method}: the cause of JUnit's resolution failure. */
    private static Throwable testFailure(EngineExecutionResults results, String method) {
        Throwable failure = results.testEvents().failed().stream()
                .filter(e -> e.getTestDescriptor().getDisplayName().startsWith(method + "("))
                .map(MisuseTest::throwable).findFirst()
                .orElseThrow(() -> new AssertionError(method + " did not fail"));
        assertThat(failure.getCause()).as(method).isInstanceOf(ExtensionConfigurationException.class);
        return failure.getCause();
    }

    private static Throwable throwable(Event event) {
        return event.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
    }

    @WithAddons(runtime = "process", value = {
            @WithAddon(name = "valkey", version = "7"),
            @WithAddon(name = "valky", version = "7")})
    static class UnknownAddonCase {
        @Test
        void test() {
        }
    }

    @WithAddons(runtime = "docker", value = @WithAddon(name = "valkey", version = "7"))
    static class UnknownRuntimeCase {
        @Test
        void test() {
        }
    }

    @WithAddons(runtime = "process", value = @WithAddon(name = "valkey", version = "7"))
    static class ParameterMisuseCase {
        @Test
        void dataSourceOfValkey(DataSource db) {
        }

        @Test
        void variableNoAddonProvides(@AddonVariable("DATABASE_URL") String url) {
        }

        @Test
        void variableIntoAnInt(@AddonVariable("VALKEY_PORT") int port) {
        }

        @Test
        void mapOfIntegers(Map<String, Integer> variables) {
        }
    }

    @WithAddons(runtime = "process", scope = Scope.METHOD, value = @WithAddon(name = "valkey", version = "7"))
    static class MethodScopeBeforeAllCase {
        @BeforeAll
        static void before(Environment environment) {
        }

        @Test
        void test() {
        }
    }
}
