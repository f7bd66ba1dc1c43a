package dev.addons.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonException;
import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.Status;
import dev.addons.api.spi.JdbcUrl;
import dev.addons.core.internal.DatabaseUrls;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Environment facade over this module's test providers ({@code fakedb} declares its
 * variables, {@code fakecache} declares none): what is an addon's variable and what shows a
 * process an injected one comes from the providers alone. The engines' own cases (PostgreSQL's
 * {@code PGHOST}, {@code DATABASE_URL}'s schemes) are tested in their modules.
 */
class EnvironmentTest {

    @Test
    void requireNamesTheMissingVariableWhatIsThereAndTheAddonThatProvidesIt() {
        Environment env = Environment.of("staging", Map.of("FAKE_USER", "shop", "HOME", "/root"));

        assertThat(env.require("FAKE_USER")).isEqualTo("shop");
        assertThatThrownBy(() -> env.require("FAKE_URL"))
                .isInstanceOf(AddonException.class)
                .hasMessage("Variable FAKE_URL is not set in environment 'staging' (read from the given variables)."
                        + " Addon variables present: [FAKE_USER]. Add the addon that provides it: addons create fakedb"
                        + " -a APP --env staging");
        assertThatThrownBy(() -> env.require("REDIS_URL"))
                .hasMessage("Variable REDIS_URL is not set in environment 'staging' (read from the given variables)."
                        + " Addon variables present: [FAKE_USER]. Add the addon that provides it, e.g. addons create"
                        + " fakecache -a APP --env staging");
    }

    @Test
    void resolvesEachEnvironmentsOwnValuesFromTheHome(@TempDir Path home) {
        try (Addons addons = Addons.builder().home(home).runtime(new FakeRuntime()).build()) {
            addons.app("shop", "production").create(AddonSpec.of("fakedb"));
            addons.app("shop", "staging").create(AddonSpec.of("fakedb"));

            Environment production = Environment.resolve(addons, "shop", "production");
            Environment staging = Environment.resolve(addons, "shop", "staging");
            assertThat(production.name()).isEqualTo("production");
            assertThat(production.require("FAKE_URL")).isNotEqualTo(staging.require("FAKE_URL"));
            assertThat(production.toString()).doesNotContain(production.require("FAKE_URL"));
        }
    }

    @Test
    void aProcessHoldingAVariableAProviderMarksAsInjectedIsTakenAsItIs(@TempDir Path home) {
        Map<String, String> process = Map.of("FAKE_URL", "fake://injected", "ADDONS_APP", "shop",
                "ADDONS_HOME", home.toString(), "ADDONS_ENV", "staging");

        Environment env = Environment.current(process, null);

        assertThat(env.name()).isEqualTo("staging");
        assertThat(env.variables()).isEqualTo(process);
        assertThatThrownBy(() -> env.require("FAKE_PORT")).hasMessageContaining("(read from the process environment)");
    }

    @Test
    void aProcessHoldingNoMarkerReadsItsAppsVariablesFromTheHome(@TempDir Path home) {
        try (Addons addons = Addons.builder().home(home).runtime(new FakeRuntime()).build()) {
            addons.app("shop", "production").create(AddonSpec.of("fakedb"));
        }
        // FAKE_USER is fakedb's but no marker, and fakecache declares nothing: neither is an injected addon.
        Environment env = Environment.current(Map.of("FAKE_USER", "someone", "ADDONS_APP", "shop",
                "ADDONS_HOME", home.toString()), null);

        assertThat(env.name()).isEqualTo("production");
        assertThat(env.variables()).containsOnlyKeys("FAKE_URL", "FAKE_USER", "FAKE_PORT");
        assertThat(env.require("FAKE_USER")).isEqualTo("shop");
    }

    /**
     * {@link Environment#current()} in a JVM of its own, as a program calls it: it reads the
     * home's records and nothing else. A Docker-API probe would connect to the socket
     * {@code DOCKER_HOST} names, and a reconcile would mark the addon failed (its server, recorded
     * as a process runtime's, runs in no process of that JVM).
     */
    @Test
    void currentReadsTheHomesRecordsWithoutProbingARuntimeOrReconciling(@TempDir Path home) throws Exception {
        try (Addons addons = Addons.builder().home(home).runtime(new FakeRuntime()).build()) {
            addons.app("shop", "production").create(AddonSpec.of("fakedb"));
        }
        Path err = home.resolve("child.err");
        try (ServerSocket docker = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ProcessBuilder builder = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Duser.home=" + home, // no ~/.testcontainers.properties of the user's to find an endpoint in
                    "-cp", System.getProperty("java.class.path"), CurrentEnvironmentInAnotherJvm.class.getName())
                    .redirectError(err.toFile());
            builder.environment().remove("ADDONS_ENV");
            builder.environment().put("ADDONS_HOME", home.toString());
            builder.environment().put("ADDONS_APP", "shop");
            builder.environment().put("DOCKER_HOST", "tcp://127.0.0.1:" + docker.getLocalPort());

            long begin = System.nanoTime();
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            System.out.printf("Environment.current() in a new JVM: %d ms%n", (System.nanoTime() - begin) / 1_000_000);

            assertThat(process.exitValue()).as(Files.readString(err)).isZero();
            assertThat(out.strip()).isEqualTo("[FAKE_PORT, FAKE_URL, FAKE_USER]");
            docker.setSoTimeout(200);
            assertThatThrownBy(docker::accept).as("a connection to DOCKER_HOST").isInstanceOf(SocketTimeoutException.class);
        }
        assertThat(RecordedAddons.open(home).list("shop", "production")).extracting(AddonRecord::status)
                .containsExactly(Status.ACTIVE);
    }

    @Test
    void aSqlAddonsUrlBecomesAJdbcUrlAsItsProviderDeclaresWithDecodedCredentials() {
        List<JdbcUrl> declared = List.of(JdbcUrl.of("FAKE_URL", "fake", "fakesql", "fakes", "fakesql"));

        DatabaseUrls.Jdbc jdbc = DatabaseUrls.toJdbc("FAKE_URL", "fakes://my%40user:p%3Ass%2Fw@127.0.0.1:5433/shop?tls=on",
                declared);

        assertThat(jdbc.jdbcUrl()).isEqualTo("jdbc:fakesql://127.0.0.1:5433/shop?tls=on");
        assertThat(jdbc.user()).isEqualTo("my@user");
        assertThat(jdbc.password()).isEqualTo("p:ss/w");
        assertThat(jdbc.toString()).doesNotContain("p:ss/w");
        assertThatThrownBy(() -> DatabaseUrls.toJdbc("FAKE_URL", "redis://:secretpw@127.0.0.1:6379", declared))
                .isInstanceOf(AddonException.class)
                .hasMessage("FAKE_URL has scheme 'redis' and host 127.0.0.1: expected fake:// or fakes:// with a host");
        assertThatThrownBy(() -> DatabaseUrls.toJdbc("FAKE_URL", "fake://u:secretpw@/db", List.of()))
                .hasMessageNotContaining("secretpw")
                .hasMessage("FAKE_URL has scheme 'fake' and host null: no addon provider on the class path declares a"
                        + " JDBC URL; add the module of a SQL addon");
    }

    @Test
    void aDataSourceNeedsTheProviderOfASqlAddon() {
        Environment env = Environment.of("production", Map.of("FAKE_URL", "fake://u:secretpw@127.0.0.1:1/db"));

        assertThatThrownBy(env::dataSource)
                .isInstanceOf(AddonException.class)
                .hasMessage("No SQL addon's provider is on the class path (none of [fakecache, fakedb] declares a JDBC"
                        + " URL): add the module of the SQL addon whose variables environment 'production' holds");
    }
}
