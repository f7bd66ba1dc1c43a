package dev.addons.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.Endpoint;
import dev.addons.api.ProvisioningException;
import dev.addons.api.Variant;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.ContainerRecipe;
import dev.addons.api.spi.DataTemplate;
import dev.addons.api.spi.ProcessContext;
import dev.addons.api.spi.ProcessRecipe;
import dev.addons.api.spi.ProcessRecipe.StopSignal;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.api.spi.ServerRequest;
import dev.addons.api.spi.TenantRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PostgresProviderTest {

    private static final String ADMIN_PASSWORD = "AdminPassword0123456789abcdefXYZ";

    private final PostgresProvider provider = new PostgresProvider();
    private final ServerAccess nowhere =
            new ServerAccess("s1", new Endpoint("127.0.0.1", 1), "postgres", ADMIN_PASSWORD);

    @Test
    void describesItselfAsTheAddonsDocumentationSays() {
        assertThat(provider.descriptor().name()).isEqualTo("postgresql");
        assertThat(provider.descriptor().aliases()).containsExactly("postgres");
        assertThat(provider.descriptor().description()).isEqualTo("Managed PostgreSQL database");
        assertThat(provider.descriptor().versions()).containsExactly("14", "15", "16", "17", "18");
        assertThat(provider.descriptor().defaultVersion()).isEqualTo("18");
        assertThat(provider.descriptor().variants()).containsExactly(
                new Variant("small", "Dedicated server", false),
                new Variant("shared", "Multi-app shared server: a database and role per app", true));
    }

    @Test
    void isFoundThroughTheServiceLoader() {
        assertThat(ServiceLoader.load(AddonProvider.class, getClass().getClassLoader()).stream()
                .map(ServiceLoader.Provider::type)).contains(PostgresProvider.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"14", "15", "16", "17", "18"})
    void everyVersionRunsFromBinariesOrTheOfficialImage(String version) {
        ServerDefinition server = provider.server(serverRequest(version, ADMIN_PASSWORD));

        assertThat(server.engine()).isEqualTo("postgresql");
        assertThat(server.version()).isEqualTo(version);
        assertThat(server.adminUser()).isEqualTo("postgres");
        assertThat(server.adminPassword()).isEqualTo(ADMIN_PASSWORD);
        assertThat(server.startTimeout()).isEqualTo(Duration.ofSeconds(60));
        ProcessRecipe process = server.processRecipe().orElseThrow();
        assertThat(process.binaries().hostSearchPath())
                .containsExactly(Path.of("/usr/lib/postgresql/" + version + "/bin"));
        assertThat(process.stopSignal()).isEqualTo(StopSignal.INT);
        // Immediate shutdown: no checkpoint for data about to be deleted, but its shared memory
        // removed (killed, PostgreSQL would leave its dynamic shared memory segments in /dev/shm).
        assertThat(process.destroySignal()).isEqualTo(StopSignal.QUIT);
        assertThat(process.stopTimeout()).isEqualTo(Duration.ofSeconds(10));
        ContainerRecipe container = server.container();
        assertThat(container.image()).isEqualTo("postgres:" + version);
        assertThat(container.environment()).containsOnly(
                Map.entry("POSTGRES_USER", "postgres"),
                Map.entry("POSTGRES_PASSWORD", ADMIN_PASSWORD),
                Map.entry("PGDATA", "/var/lib/postgresql/data"));
        assertThat(container.port()).isEqualTo(5432);
        assertThat(container.dataPath()).isEqualTo("/var/lib/postgresql/data");
    }

    @Test
    void anImageReferenceRunsAsThatImageOnly() {
        ServerDefinition server = provider.server(
                serverRequest("registry.example.com/custom-postgres:16-custom", ADMIN_PASSWORD));

        assertThat(server.processRecipe()).isEmpty();
        assertThat(server.container().image()).isEqualTo("registry.example.com/custom-postgres:16-custom");
        assertThat(server.container().environment()).containsEntry("POSTGRES_PASSWORD", ADMIN_PASSWORD);
    }

    @Test
    void noDescriptionShowsTheAdminPassword() {
        ServerDefinition server = provider.server(serverRequest("18", ADMIN_PASSWORD));
        Binding binding = Binding.of("user", "app1", "password", "TenantPassword", "database", "app1");

        assertThat(server.toString()).doesNotContain(ADMIN_PASSWORD);
        assertThat(server.container().toString()).doesNotContain(ADMIN_PASSWORD);
        assertThat(server.processRecipe().orElseThrow().toString()).doesNotContain(ADMIN_PASSWORD);
        assertThat(binding.toString()).doesNotContain("TenantPassword");
    }

    @Test
    void theInitializerRunsInitdbWithAPasswordFileItDeletesAfterwards(@TempDir Path dir) throws Exception {
        Path passwordFile = dir.resolve("run/pwfile");
        List<List<String>> commands = new ArrayList<>();
        List<String> passwordFileWhileRunning = new ArrayList<>();
        ProcessContext context = context(dir, (command, input) -> {
            assertThat(input).as("input of %s", command).isNull();
            commands.add(command);
            passwordFileWhileRunning.add(Files.readString(passwordFile));
        });

        provider.server(serverRequest("15", ADMIN_PASSWORD)).processRecipe().orElseThrow()
                .initializer().initialize(context);

        assertThat(commands).containsExactly(List.of(
                "/bin/initdb", "-D", dir.resolve("data").toString(), "-U", "postgres", "--pwfile=" + passwordFile,
                "-A", "scram-sha-256", "-E", "UTF8", "--locale=C", "--no-instructions"));
        assertThat(passwordFileWhileRunning).containsExactly(ADMIN_PASSWORD + "\n");
        assertThat(passwordFile).doesNotExist();
    }

    @Test
    void theTemplatesInitializerClosesTemplate1AndMakesTheSpareTenantInSingleUserMode(@TempDir Path dir)
            throws Exception {
        List<String> ran = new ArrayList<>();
        ProcessContext context = context(dir, (command, input) -> ran.add(String.join(" ", command)
                + (input == null ? "" : " <<< " + input)));

        DataTemplate template = provider.server(serverRequest("15", ADMIN_PASSWORD)).processRecipe().orElseThrow()
                .templateIfAny().orElseThrow();
        template.initializer().initialize(context, "template-password");

        String data = dir.resolve("data").toString();
        assertThat(ran).hasSize(3);
        assertThat(ran.get(0)).startsWith("/bin/initdb -D " + data + " -U postgres");
        // template1 first: the spare's database is a copy of it, as every later tenant's is.
        assertThat(ran.subList(1, 3)).containsExactly(
                "/bin/postgres --single -D " + data + " -c exit_on_error=on template1 <<< "
                        + "alter schema public owner to pg_database_owner"
                        + "\nrevoke all on schema public from public\n",
                "/bin/postgres --single -D " + data + " -c exit_on_error=on postgres <<< "
                        + "create role \"addons_spare\" nologin nosuperuser nocreatedb nocreaterole noreplication"
                        + " nobypassrls"
                        + "\ncreate database \"addons_spare\" owner \"addons_spare\""
                        + "\nrevoke all on database \"addons_spare\" from public"
                        + "\ngrant connect, temporary on database \"addons_spare\" to \"addons_spare\""
                        + "\nrevoke connect, temporary on database postgres, template1 from public"
                        + "\ncomment on database template1 is 'addons: public schema closed'\n");
        assertThat(template.key()).contains("spare tenant addons_spare").contains("template1 addons: public schema closed");
    }

    @Test
    void theSparesNameIsReservedLikeTheServersOwnDatabases() {
        assertThat(provider.tenantNameProblem("addons_spare"))
                .contains("which PostgreSQL keeps for itself (postgres, template0, template1, public, addons_spare,"
                        + " pg_*)");
        assertThat(provider.tenantNameProblem("addons_spare2")).isEmpty();
    }

    @Test
    void theLauncherListensOnTheRuntimesEndpointWithItsSocketInTheRunDirectory(@TempDir Path dir) throws Exception {
        List<String> command = provider.server(serverRequest("15", ADMIN_PASSWORD)).processRecipe().orElseThrow()
                .launcher().command(context(dir, (helper, input) -> {
                    throw new AssertionError("the launcher runs nothing itself: " + helper);
                }));

        assertThat(command).containsExactly("/bin/postgres", "-D", dir.resolve("data").toString(), "-p", "54321",
                "-c", "listen_addresses=127.0.0.1", "-k", "");
        assertThat(String.join(" ", command)).doesNotContain(ADMIN_PASSWORD);
    }

    @Test
    void aTenantNamedLikeTheServersOwnDatabasesIsRefusedBeforeAnyConnection() {
        TenantRequest request = TenantRequest.builder()
                .addonId("a1")
                .app("postgres", "production")
                .variant("shared", true)
                .tenant("postgres")
                .build();

        assertThatThrownBy(() -> provider.provision(request, nowhere))
                .isInstanceOf(ProvisioningException.class)
                .hasMessageStartingWith("PostgreSQL tenant name 'postgres' is reserved by the server");
        assertThatThrownBy(() -> provider.deprovision(request, Binding.of(), nowhere))
                .isInstanceOf(ProvisioningException.class);
    }

    @Test
    void anUnreachableServerFailsProvisioningWithoutShowingThePassword() {
        TenantRequest request = TenantRequest.builder()
                .addonId("a1")
                .app("app1", "production")
                .variant("shared", true)
                .tenant("app1")
                .build();

        assertThatThrownBy(() -> provider.provision(request, nowhere))
                .isInstanceOf(ProvisioningException.class)
                .hasMessageStartingWith("Provisioning PostgreSQL tenant 'app1' on 127.0.0.1:1 failed (SQLState 08001)")
                .message().doesNotContain(ADMIN_PASSWORD);
    }

    /** A context whose binaries live in /bin, listening on 127.0.0.1:54321. */
    private static ProcessContext context(Path dir, TempDirProcessContext.Runner runner) {
        return new TempDirProcessContext(Path.of("/bin"), dir, new Endpoint("127.0.0.1", 54321), runner);
    }

    /** list-available says what the process runtime cannot back up here, before any server exists. */
    @Test
    void theBackupLimitOfAVersionFollowsTheHostsPgDumpOfItOrANewerMajor() {
        for (String version : List.of("14", "15", "16", "17", "18")) {
            boolean tools = false;
            for (int major = Integer.parseInt(version); major <= 40; major++) {
                tools |= Files.isExecutable(Path.of("/usr/lib/postgresql/" + major + "/bin/pg_dump"));
            }
            if (tools) {
                assertThat(provider.backupLimit(version, "process")).as(version).isEmpty();
            } else {
                assertThat(provider.backupLimit(version, "process")).as(version).hasValueSatisfying(limit ->
                        assertThat(limit).startsWith("shared: none, and no move between variants (this host has no"
                                + " pg_dump of " + version + " or newer"));
            }
            assertThat(provider.backupLimit(version, "container")).isEmpty();
        }
        // Debian 12's PostgreSQL 15, which CI installs, serves 14 and 15.
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/lib/postgresql/15/bin/pg_dump")));
        assertThat(provider.backupLimit("14", "process")).isEmpty();
    }

    private static ServerRequest serverRequest(String version, String adminPassword) {
        return ServerRequest.builder(version).adminPassword(adminPassword).build();
    }
}
