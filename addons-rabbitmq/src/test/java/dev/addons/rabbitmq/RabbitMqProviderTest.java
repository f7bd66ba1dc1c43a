package dev.addons.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.Endpoint;
import dev.addons.api.ProvisioningException;
import dev.addons.api.Variant;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.ContainerRecipe;
import dev.addons.api.spi.ProcessRecipe;
import dev.addons.api.spi.ProcessRecipe.StopSignal;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.api.spi.ServerRequest;
import dev.addons.api.spi.TenantRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RabbitMqProviderTest {

    private static final String ADMIN_PASSWORD = "AdminPassword0123456789abcdefXYZ";
    private static final TenantRequest APP1 = TenantRequest.builder()
            .addonId("a1")
            .app("app1", "production")
            .variant("small", false)
            .tenant("app1")
            .build();

    private final RabbitMqProvider provider = new RabbitMqProvider();

    @Test
    void describesItselfAsTheAddonsDocumentationSays() {
        assertThat(provider.descriptor().name()).isEqualTo("rabbitmq");
        assertThat(provider.descriptor().aliases()).isEmpty();
        assertThat(provider.descriptor().description()).isEqualTo("Managed RabbitMQ message broker");
        assertThat(provider.descriptor().versions()).containsExactly("3", "4");
        assertThat(provider.descriptor().defaultVersion()).isEqualTo("4");
        assertThat(provider.descriptor().variants()).containsExactly(new Variant("small", "Dedicated server", false));
    }

    @Test
    void isFoundThroughTheServiceLoader() {
        assertThat(ServiceLoader.load(AddonProvider.class, getClass().getClassLoader()).stream()
                .map(ServiceLoader.Provider::type)).contains(RabbitMqProvider.class);
    }

    @Test
    void version3RunsFromTheHostsPackageWithItsOwnLoopbackPortsOrAsTheOfficialImage() {
        ServerDefinition server = provider.server(serverRequest("3", ADMIN_PASSWORD));

        assertThat(server.engine()).isEqualTo("rabbitmq");
        assertThat(server.version()).isEqualTo("3");
        assertThat(server.adminUser()).isEqualTo("addons-admin");
        assertThat(server.adminPassword()).isEqualTo(ADMIN_PASSWORD);
        assertThat(server.startTimeout()).isEqualTo(Duration.ofSeconds(60));
        ProcessRecipe process = server.processRecipe().orElseThrow();
        assertThat(process.binaries().hostSearchPath())
                .containsExactly(Path.of("/usr/lib/rabbitmq/bin"), Path.of("/usr/lib/erlang/bin"));
        assertThat(process.binaries().requiredBinaries()).containsExactly("rabbitmq-server", "erl", "epmd");
        assertThat(process.binaries().downloadIfAny()).isEmpty();
        assertThat(process.extraPorts()).containsExactly("management", "dist", "epmd");
        assertThat(process.helperPorts()).as("only epmd may be served from outside the node").containsExactly("epmd");
        assertThat(process.stopSignal()).isEqualTo(StopSignal.TERM);
        assertThat(process.destroySignal()).isEqualTo(StopSignal.KILL);
        assertThat(process.stopTimeout()).isEqualTo(Duration.ofSeconds(30));
        ContainerRecipe container = server.container();
        assertThat(container.image()).isEqualTo("rabbitmq:3-management");
        assertThat(container.environment()).containsOnly(
                Map.entry("RABBITMQ_DEFAULT_USER", "addons-admin"),
                Map.entry("RABBITMQ_DEFAULT_PASS", ADMIN_PASSWORD),
                Map.entry("RABBITMQ_NODENAME", "rabbit@localhost"));
        assertThat(container.port()).isEqualTo(5672);
        assertThat(container.extraPorts()).containsOnly(Map.entry("management", 15672));
        assertThat(container.dataPath()).isEqualTo("/var/lib/rabbitmq");
    }

    @Test
    void version4IsNoBinaryOfAnyDebianHostAndSaysWhatDebianHas() {
        ServerDefinition server = provider.server(serverRequest("4", ADMIN_PASSWORD));

        ProcessRecipe process = server.processRecipe().orElseThrow();
        assertThat(process.binaries().hostSearchPath()).isEmpty();
        assertThat(process.binaries().downloadIfAny()).isEmpty();
        assertThat(process.binaries().description())
                .isEqualTo("RabbitMQ 4 (Debian 12's rabbitmq-server package is RabbitMQ 3.10)");
        assertThat(server.container().image()).isEqualTo("rabbitmq:4-management");
    }

    @Test
    void anImageReferenceRunsAsThatImageOnly() {
        ServerDefinition server = provider.server(serverRequest("registry.example.com/mq:4.1", ADMIN_PASSWORD));

        assertThat(server.processRecipe()).isEmpty();
        assertThat(server.container().image()).isEqualTo("registry.example.com/mq:4.1");
        assertThat(server.container().environment()).containsEntry("RABBITMQ_DEFAULT_PASS", ADMIN_PASSWORD);
    }

    @Test
    void noDescriptionShowsTheAdminPassword() {
        ServerDefinition server = provider.server(serverRequest("3", ADMIN_PASSWORD));
        Binding binding = Binding.of("user", "app1", "password", "TenantPassword", "vhost", "app1");

        assertThat(server.toString()).doesNotContain(ADMIN_PASSWORD);
        assertThat(server.container().toString()).doesNotContain(ADMIN_PASSWORD);
        assertThat(server.processRecipe().orElseThrow().toString()).doesNotContain(ADMIN_PASSWORD);
        assertThat(binding.toString()).doesNotContain("TenantPassword");
    }

    @Test
    void theInitializerWritesTheNodesConfigurationPluginsAndCookieOwnerOnly(@TempDir Path dir) throws Exception {
        FakeProcessContext context = FakeProcessContext.onHost(dir);

        provider.server(serverRequest("3", ADMIN_PASSWORD)).processRecipe().orElseThrow()
                .initializer().initialize(context);

        Path run = dir.resolve("run");
        assertThat(Files.readAllLines(run.resolve("rabbitmq.conf"))).filteredOn(line -> !line.startsWith("#"))
                .containsExactly(
                        "listeners.tcp.1 = 127.0.0.1:5672",
                        "management.tcp.ip = 127.0.0.1",
                        "management.tcp.port = 15672",
                        "default_user = addons-admin",
                        "default_pass = " + ADMIN_PASSWORD,
                        "log.file = false",
                        "log.console = true",
                        "log.console.level = info");
        assertThat(Files.readString(run.resolve("enabled_plugins"))).isEqualTo("[rabbitmq_management].\n");
        assertThat(Files.readString(run.resolve(".erlang.cookie"))).matches("[A-Za-z0-9]{32}");
        for (String file : List.of("rabbitmq.conf", "enabled_plugins", ".erlang.cookie")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(run.resolve(file))))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void theInitializerRefusesARabbitMqOfAnotherMajorVersion(@TempDir Path dir) throws Exception {
        Path sbin = Files.createDirectories(dir.resolve("lib/rabbitmq_server-4.0.5/sbin"));
        Files.createFile(sbin.resolve("rabbitmq-server"));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("rabbitmq-server"), sbin.resolve("rabbitmq-server"));
        FakeProcessContext context = new FakeProcessContext(List.of(bin), dir, new Endpoint("127.0.0.1", 5672),
                Map.of());

        assertThatThrownBy(() -> provider.server(serverRequest("3", ADMIN_PASSWORD)).processRecipe()
                .orElseThrow().initializer().initialize(context))
                .isInstanceOf(ProvisioningException.class)
                .hasMessage("This host's RabbitMQ is 4.0.5 (" + sbin.resolve("rabbitmq-server").toRealPath()
                        + "), not 3: ask for --version 4");
        assertThat(dir.resolve("run")).doesNotExist();
    }

    @Test
    void theLauncherRunsTheNodeInACleanEnvironmentWithItsOwnEpmdAndNoSecret(@TempDir Path dir) throws Exception {
        FakeProcessContext context = FakeProcessContext.onHost(dir);
        List<String> command = provider.server(serverRequest("3", ADMIN_PASSWORD)).processRecipe().orElseThrow()
                .launcher().command(context);

        Path run = dir.resolve("run");
        assertThat(command.subList(0, 2)).containsExactly("env", "-i");
        assertThat(command).contains(
                "HOME=" + run,
                "RABBITMQ_NODENAME=" + RabbitMqProcess.nodeName(run),
                "RABBITMQ_DIST_PORT=25672",
                "ERL_EPMD_PORT=4369",
                "ERL_FLAGS=-start_epmd false",
                "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}",
                "RABBITMQ_CONFIG_FILE=" + run.resolve("rabbitmq.conf"),
                "RABBITMQ_ENABLED_PLUGINS_FILE=" + run.resolve("enabled_plugins"),
                "RABBITMQ_MNESIA_BASE=" + dir.resolve("data"));
        assertThat(command.subList(command.size() - 3, command.size())).containsExactly(
                "/usr/lib/erlang/bin/epmd", "127.0.0.1", "/usr/lib/rabbitmq/bin/rabbitmq-server");
        assertThat(command).noneMatch(argument -> argument.startsWith("RABBITMQ_DEFAULT"));
        assertThat(String.join(" ", command)).doesNotContain(ADMIN_PASSWORD);
    }

    @Test
    void eachServerDirectoryGetsANodeNameOfItsOwn() {
        String one = RabbitMqProcess.nodeName(Path.of("/home/x/servers/rabbitmq-a-production-abc/run"));

        assertThat(one).matches("rabbit-[0-9a-f]{12}@localhost")
                .isEqualTo(RabbitMqProcess.nodeName(Path.of("/home/x/servers/rabbitmq-a-production-abc/run")))
                .isNotEqualTo(RabbitMqProcess.nodeName(Path.of("/home/x/servers/rabbitmq-b-production-abc/run")));
    }

    @Test
    void aTenantNamedLikeTheAdminIsRefusedBeforeAnyConnection() {
        ServerAccess server = nowhere("app1");

        assertThatThrownBy(() -> provider.provision(APP1, server))
                .isInstanceOf(ProvisioningException.class)
                .hasMessage("RabbitMQ tenant name 'app1' is the server's admin user; give the tenant another name");
        assertThatThrownBy(() -> provider.deprovision(APP1, Binding.of(), server))
                .isInstanceOf(ProvisioningException.class);
    }

    @Test
    void anUnreachableServerFailsProvisioningWithoutShowingThePassword() {
        ServerAccess server = nowhere("addons-admin");

        assertThatThrownBy(() -> provider.provision(APP1, server))
                .isInstanceOf(ProvisioningException.class)
                .hasMessageStartingWith("Provisioning RabbitMQ tenant 'app1' on 127.0.0.1:1 failed: ")
                .hasMessageNotContaining(ADMIN_PASSWORD)
                .hasCauseInstanceOf(java.net.ConnectException.class);
    }

    @Test
    void readinessFailsAtOnceWhereNoBrokerListens() {
        ServerAccess server = nowhere("addons-admin");

        assertThatThrownBy(() -> provider.server(serverRequest("3", ADMIN_PASSWORD)).readiness().check(server))
                .isInstanceOf(java.net.ConnectException.class);
    }

    /** A server whose ports (AMQP and management) nothing listens on. */
    private static ServerAccess nowhere(String adminUser) {
        Endpoint closed = new Endpoint("127.0.0.1", 1);
        return new ServerAccess("s1", closed, adminUser, ADMIN_PASSWORD, Map.of("management", closed));
    }

    private static ServerRequest serverRequest(String version, String adminPassword) {
        return ServerRequest.builder(version).adminPassword(adminPassword).build();
    }
}
