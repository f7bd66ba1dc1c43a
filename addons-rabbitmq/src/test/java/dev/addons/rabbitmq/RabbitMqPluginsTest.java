package dev.addons.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.spi.ServerRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's plugins directory of links, from the host's package and from made-up ones. */
class RabbitMqPluginsTest {

    private static final String ADMIN_PASSWORD = "AdminPassword123";

    @Test
    void theHostsPackageGivesTheBrokerTheManagementPluginAndTheirDependenciesOnly() throws Exception {
        Path packaged = RabbitMqPlugins.packaged(RabbitMqBinaries.SCRIPTS.resolve("rabbitmq-server")).orElseThrow();

        List<String> needed = RabbitMqPlugins.needed(packaged).orElseThrow();

        assertThat(needed).anyMatch(name -> name.startsWith("rabbit-"))
                .anyMatch(name -> name.startsWith("rabbitmq_prelaunch-"))
                .anyMatch(name -> name.startsWith("rabbitmq_management-"))
                .anyMatch(name -> name.startsWith("rabbitmq_management_agent-"))
                .anyMatch(name -> name.startsWith("cowboy-"))
                .anyMatch(name -> name.startsWith("ra-"))
                .noneMatch(name -> name.startsWith("rabbitmq_mqtt-"))
                .noneMatch(name -> name.startsWith("rabbitmq_shovel-"));
        try (var all = Files.list(packaged)) {
            assertThat(needed.size()).isLessThan((int) all.filter(Files::isDirectory).count() / 2);
        }
    }

    @Test
    void theInitializerLinksTheNeededApplicationsAndTheLauncherPointsTheNodeAtThem(@TempDir Path dir)
            throws Exception {
        FakeProcessContext context = FakeProcessContext.onHost(dir);
        var recipe = new RabbitMqProvider().server(ServerRequest.builder("3").adminPassword(ADMIN_PASSWORD).build()).processRecipe()
                .orElseThrow();

        recipe.initializer().initialize(context);

        Path run = dir.resolve("run");
        Path plugins = run.resolve("plugins");
        try (var links = Files.list(plugins)) {
            assertThat(links.toList()).allMatch(Files::isSymbolicLink).allMatch(Files::isDirectory)
                    .anyMatch(link -> link.getFileName().toString().startsWith("rabbitmq_management-"));
        }
        assertThat(recipe.launcher().command(context)).contains("RABBITMQ_PLUGINS_DIR=" + plugins);
    }

    @Test
    void aLinkNoLongerResolvingMakesTheNodeUseThePackagesOwnDirectory(@TempDir Path dir) throws Exception {
        Path packaged = fakePackage(dir.resolve("package"));
        Path run = Files.createDirectories(dir.resolve("run"));
        assertThat(RabbitMqPlugins.link(packaged, run)).isTrue();
        assertThat(RabbitMqPlugins.usable(run)).isTrue();

        Files.delete(packaged.resolve("ranch-2.1.0/ebin/ranch.app"));
        Files.delete(packaged.resolve("ranch-2.1.0/ebin"));
        Files.delete(packaged.resolve("ranch-2.1.0"));

        assertThat(RabbitMqPlugins.usable(run)).isFalse();
    }

    @Test
    void theClosureFollowsTheApplicationsListsAndSkipsWhatThePackageDoesNotHave(@TempDir Path dir) throws Exception {
        Path packaged = fakePackage(dir);

        assertThat(RabbitMqPlugins.needed(packaged)).contains(List.of(
                "rabbit-3.10.8", "rabbitmq_management-3.10.8", "rabbitmq_prelaunch-3.10.8", "ranch-2.1.0"));
    }

    @Test
    void aPackageWithoutTheBrokerGivesNoDirectory(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("package/rabbitmq_management-3.10.8/ebin"));
        Path run = Files.createDirectories(dir.resolve("run"));

        assertThat(RabbitMqPlugins.needed(dir.resolve("package"))).isEmpty();
        assertThat(RabbitMqPlugins.link(dir.resolve("package"), run)).isFalse();
        assertThat(RabbitMqPlugins.usable(run)).isFalse();
    }

    /** rabbit needs ranch (and kernel, from Erlang); mqtt is there but nothing needs it. */
    private static Path fakePackage(Path packaged) throws Exception {
        app(packaged, "rabbit", "3.10.8", "[kernel,stdlib,\n ranch]");
        app(packaged, "rabbitmq_prelaunch", "3.10.8", "[kernel]");
        app(packaged, "rabbitmq_management", "3.10.8", "[rabbit, ranch]");
        app(packaged, "ranch", "2.1.0", "[]");
        app(packaged, "rabbitmq_mqtt", "3.10.8", "[rabbit]");
        Files.writeString(packaged.resolve("README"), "not an application");
        return packaged;
    }

    private static void app(Path packaged, String name, String version, String applications) throws Exception {
        Path ebin = Files.createDirectories(packaged.resolve(name + "-" + version).resolve("ebin"));
        Files.writeString(ebin.resolve(name + ".app"),
                "{application, " + name + ", [{vsn, \"" + version + "\"}, {applications, " + applications + "}]}.\n");
    }
}
