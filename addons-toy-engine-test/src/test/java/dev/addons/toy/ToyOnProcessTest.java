package dev.addons.toy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonException;
import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.Status;
import dev.addons.core.AddonProviders;
import dev.addons.core.Addons;
import dev.addons.core.Environment;
import dev.addons.core.RecordedAddons;
import dev.addons.testkit.Loopback;
import dev.addons.testkit.ServerProcesses;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The toy engine through the {@link Addons} facade on the process runtime, and through
 * {@link Environment}, as any engine: core knows it only from {@link ToyProvider}, found in this
 * module's {@code META-INF/services}. Apps connect with {@link ToyClient} and their variables alone.
 */
class ToyOnProcessTest {
    private Path home;
    private Addons addons;

    @BeforeEach
    void openAHome() throws IOException {
        home = ToyHome.create();
        addons = Addons.builder().home(home).runtime("process").build();
    }

    @AfterEach
    void destroyEverythingAndDeleteTheHome() throws IOException {
        try {
            for (AddonRecord record : addons.listAll()) {
                addons.app(record.app(), record.environment()).destroy(record.addon(), dev.addons.core.FinalBackup.SKIP);
            }
            addons.close();
            assertThat(ServerProcesses.under(home)).as("server processes under " + home).isEmpty();
        } finally {
            ToyHome.delete(home);
        }
    }

    @Test
    void aToyAddonRunsOnTheProcessRuntimeAnAppUsesItWithItsVariablesAloneAndDestroyLeavesNothing() throws Exception {
        AddonRecord record = addons.app("shop", "production").create(AddonSpec.parse("toy"));
        Map<String, String> variables = addons.app("shop", "production").env().toMap();

        assertThat(record.status()).isEqualTo(Status.ACTIVE);
        assertThat(record.runtime()).isEqualTo("process");
        assertThat(record.version()).isEqualTo("2");
        assertThat(variables.keySet()).containsExactly("TOY_URL", "TOY_HOST", "TOY_PORT", "TOY_USER", "TOY_PASSWORD");
        assertThat(variables.get("TOY_HOST")).isEqualTo("127.0.0.1");
        try (ToyClient app = ToyClient.connect(variables.get("TOY_URL"))) {
            app.set("greeting", "hello from the toy");
            assertThat(app.get("greeting")).contains("hello from the toy");
            assertThat(app.get("nothing")).isEmpty();
        }
        List<Long> pids = ServerProcesses.under(home);
        List<InetSocketAddress> listening = Loopback.listeningAddressesOf(pids);
        assertThat(listening).as("where the toy server's processes " + pids + " listen").isNotEmpty()
                .allSatisfy(address -> assertThat(address.getAddress().isLoopbackAddress()).as(address + " is loopback")
                        .isTrue());
        assertThat(addons.app("shop", "production").credentials("toy").serviceBinding().get("type")).contains("toy");
        if ("root".equals(System.getProperty("user.name"))) {
            assertThat(pids).as("the toy server's users").allSatisfy(pid -> assertThat(ProcessHandle.of(pid)
                    .flatMap(p -> p.info().user())).isPresent().get().isNotEqualTo("root"));
        }

        addons.app("shop", "production").destroy("toy");

        assertThat(addons.app("shop", "production").list()).isEmpty();
        ToyHome.assertNothingLeft(home, pids, Integer.parseInt(variables.get("TOY_PORT")));
    }

    @Test
    void twoAppsOnASharedToyServerEachHaveTheirOwnKeysAndTheServerGoesWithTheLastOne() throws Exception {
        addons.app("alpha", "production").create(AddonSpec.parse("toy:shared"));
        addons.app("beta", "production").create(AddonSpec.parse("toy:shared"));
        Map<String, String> alpha = addons.app("alpha", "production").env().toMap();
        Map<String, String> beta = addons.app("beta", "production").env().toMap();

        assertThat(alpha.get("TOY_PORT")).isEqualTo(beta.get("TOY_PORT"));
        assertThat(alpha.get("TOY_USER")).isNotEqualTo(beta.get("TOY_USER"));
        try (ToyClient a = ToyClient.connect(alpha.get("TOY_URL")); ToyClient b = ToyClient.connect(beta.get("TOY_URL"))) {
            a.set("owner", "alpha");
            assertThat(b.get("owner")).as("beta's view of alpha's key").isEmpty();
        }
        List<Long> pids = ServerProcesses.under(home);

        addons.app("alpha", "production").destroy("toy");
        assertThatThrownBy(() -> ToyClient.connect(alpha.get("TOY_URL"))).as("alpha's login once destroyed")
                .isInstanceOf(IOException.class).hasMessageContaining("refused");
        try (ToyClient b = ToyClient.connect(beta.get("TOY_URL"))) {
            assertThat(b.call("PING")).isEqualTo("PONG");
        }
        addons.app("beta", "production").destroy("toy");

        ToyHome.assertNothingLeft(home, pids, Integer.parseInt(beta.get("TOY_PORT")));
    }

    @Test
    void theEnvironmentFacadeGivesTheToysVariablesAndKnowsThemForWhatTheyAre() throws Exception {
        addons.app("shop", "production").create(AddonSpec.parse("toy"));
        try (ToyClient app = ToyClient.connect(addons.app("shop", "production").env().get("TOY_URL").orElseThrow())) {
            app.set("visits", "41");
        }

        Environment resolved = Environment.resolve(addons, "shop", "production");
        assertThat(resolved.variables()).isEqualTo(addons.app("shop", "production").env().toMap());
        assertThat(AddonProviders.found().injectionMarkers()).contains("TOY_URL");
        assertThatThrownBy(() -> Environment.of("production", Map.of("TOY_HOST", "127.0.0.1")).require("TOY_URL"))
                .isInstanceOf(AddonException.class)
                .hasMessage("Variable TOY_URL is not set in environment 'production' (read from the given variables)."
                        + " Addon variables present: [TOY_HOST]. Add the addon that provides it: addons create toy -a"
                        + " APP --env production");
        assertThat(RecordedAddons.open(home).env("shop", "production").toMap()).isEqualTo(resolved.variables());
        // A program of the app, in a JVM of its own, as it starts: Environment.current() from the home's records.
        List<String> program = runProgram(Map.of("ADDONS_HOME", home.toString(), "ADDONS_APP", "shop"), "visits");
        assertThat(program).containsExactly("[TOY_HOST, TOY_PASSWORD, TOY_PORT, TOY_URL, TOY_USER]", "41");
        // Injected by a platform: TOY_URL, which the toy declares as its primary URL, is taken as it is.
        List<String> injected = runProgram(Map.of("TOY_URL", resolved.require("TOY_URL"), "ADDONS_APP", "elsewhere",
                "ADDONS_HOME", home.resolve("not-a-home").toString()), "visits");
        assertThat(injected).containsExactly("[TOY_URL]", "41");
        assertThat(home.resolve("not-a-home")).as("a home read for injected variables").doesNotExist();
    }

    /** Runs {@link ToyVariablesInAnotherJvm} with {@code environment} added to this JVM's; its output lines. */
    private List<String> runProgram(Map<String, String> environment, String key) throws Exception {
        Path err = home.resolve("program.err");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ToyVariablesInAnotherJvm.class.getName(), key)
                .redirectError(err.toFile());
        builder.environment().remove("ADDONS_ENV");
        builder.environment().putAll(environment);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(Files.readString(err)).isZero();
        return out.lines().toList();
    }
}
