package dev.addons.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.addons.api.Endpoint;
import dev.addons.api.ProvisioningException;
import dev.addons.api.Variant;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.BinaryDistribution;
import dev.addons.api.spi.BinaryDistribution.VersionProbe;
import dev.addons.api.spi.ContainerRecipe;
import dev.addons.api.spi.ProcessContext;
import dev.addons.api.spi.ProcessRecipe;
import dev.addons.api.spi.ProcessRecipe.StopSignal;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.api.spi.ServerRequest;
import dev.addons.api.spi.TenantRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MysqlProviderTest {

    private static final String ADMIN_PASSWORD = "AdminPassword0123456789abcdefXYZ";
    private static final String ADMIN_HASH = MysqlProcess.nativePasswordHash(ADMIN_PASSWORD);

    private final MysqlProvider provider = new MysqlProvider();
    private final ServerAccess nowhere = new ServerAccess("s1", new Endpoint("127.0.0.1", 1), "root", ADMIN_PASSWORD);

    @Test
    void describesItselfAsTheAddonsDocumentationSays() {
        assertThat(provider.descriptor().name()).isEqualTo("mysql");
        assertThat(provider.descriptor().aliases()).isEmpty();
        assertThat(provider.descriptor().description()).isEqualTo("Managed MySQL database");
        assertThat(provider.descriptor().versions()).containsExactly("8", "9");
        assertThat(provider.descriptor().defaultVersion()).isEqualTo("9");
        assertThat(provider.descriptor().variants()).containsExactly(
                new Variant("small", "Dedicated server", false),
                new Variant("shared", "Multi-app shared server: a database and user per app", true));
    }

    @Test
    void isFoundThroughTheServiceLoader() {
        assertThat(ServiceLoader.load(AddonProvider.class, getClass().getClassLoader()).stream()
                .map(ServiceLoader.Provider::type)).contains(MysqlProvider.class);
    }

    @Test
    void version8RunsAsMariaDbFromDebiansPackageOrAsTheOfficialMysql8Image() {
        ServerDefinition server = provider.server(serverRequest("8", ADMIN_PASSWORD));

        assertThat(server.engine()).isEqualTo("mysql");
        assertThat(server.version()).isEqualTo("8");
        assertThat(server.adminUser()).isEqualTo("root");
        assertThat(server.adminPassword()).isEqualTo(ADMIN_PASSWORD);
        assertThat(server.startTimeout()).isEqualTo(Duration.ofSeconds(60));
        ProcessRecipe process = server.processRecipe().orElseThrow();
        BinaryDistribution binaries = process.binaries();
        assertThat(binaries.description()).isEqualTo("MariaDB 10.11 (Debian's mariadb-server), standing in for MySQL 8");
        assertThat(binaries.hostSearchPath()).containsExactly(Path.of("/usr/sbin"), Path.of("/usr/bin"));
        assertThat(binaries.requiredBinaries()).containsExactly("mariadbd");
        assertThat(binaries.downloadIfAny()).isEmpty();
        assertThat(binaries.versionProbeIfAny()).hasValueSatisfying(probe -> {
            assertThat(probe.binary()).isEqualTo("mariadbd");
            assertThat(probe.arguments()).containsExactly("--version");
            assertThat(probe.expected()).isEqualTo("10.11");
        });
        assertThat(process.alternatives()).isEmpty();
        assertThat(process.stopSignal()).isEqualTo(StopSignal.TERM);
        // Destroyed with its directories, it is killed: a clean shutdown's flush would buy nothing.
        assertThat(process.destroySignal()).isEqualTo(StopSignal.KILL);
        assertThat(process.stopTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertOfficialImage(server.container(), "mysql:8");
    }

    @Test
    void version9HasNoBinariesOnThisHostAndSaysWhatToDoInstead() {
        ServerDefinition server = provider.server(serverRequest("9", ADMIN_PASSWORD));

        BinaryDistribution binaries = server.processRecipe().orElseThrow().binaries();
        assertThat(binaries.hostSearchPath()).isEmpty();
        assertThat(binaries.downloadIfAny()).isEmpty();
        assertThat(binaries.description()).isEqualTo("MySQL 9 (none is packaged for Debian 12 or on Maven Central;"
                + " the process runtime runs MySQL 8 as MariaDB 10.11)");
        assertOfficialImage(server.container(), "mysql:9");
    }

    @Test
    void theVersionProbeTakesMariaDb1011AndNoOtherSeries() {
        VersionProbe probe = provider.server(serverRequest("8", ADMIN_PASSWORD)).processRecipe().orElseThrow()
                .binaries().versionProbeIfAny().orElseThrow();

        // What Debian 12's mariadbd --version prints.
        assertThat(probe.versionIn("/usr/sbin/mariadbd  Ver 10.11.19-MariaDB-0+deb12u1 for debian-linux-gnu on"
                + " x86_64 (Debian 12)")).contains("10.11.19-MariaDB");
        assertThat(probe.accepts("10.11.19-MariaDB")).isTrue();
        assertThat(probe.accepts("11.8.3-MariaDB")).isFalse();
        assertThat(probe.versionIn("mysqld  Ver 8.4.6 for Linux on x86_64 (MySQL Community Server - GPL)")).isEmpty();
    }

    @Test
    void anImageReferenceRunsAsThatImageOnly() {
        ServerDefinition server = provider.server(
                serverRequest("registry.example.com/custom-mysql:8.4-custom", ADMIN_PASSWORD));

        assertThat(server.processRecipe()).isEmpty();
        assertOfficialImage(server.container(), "registry.example.com/custom-mysql:8.4-custom");
    }

    @Test
    void noDescriptionShowsTheAdminPassword() {
        ServerDefinition server = provider.server(serverRequest("8", ADMIN_PASSWORD));
        Binding binding = Binding.of("user", "app1", "password", "TenantPassword", "database", "app1");

        assertThat(server.toString()).doesNotContain(ADMIN_PASSWORD);
        assertThat(server.container().toString()).doesNotContain(ADMIN_PASSWORD);
        assertThat(server.processRecipe().orElseThrow().toString()).doesNotContain(ADMIN_PASSWORD);
        assertThat(binding.toString()).doesNotContain("TenantPassword");
    }

    @Test
    void theInitializerSetsTheAdminPasswordAsAHashFromAPrivateFileItDeletesAfterwards(@TempDir Path dir)
            throws Exception {
        Path accounts = dir.resolve("run/accounts.sql");
        List<List<String>> commands = new ArrayList<>();
        List<String> accountsWhileRunning = new ArrayList<>();
        ProcessContext context = context(dir);
        doAnswer(call -> {
            commands.add(call.getArgument(0));
            accountsWhileRunning.add(Files.readString(accounts));
            return null;
        }).when(context).run(anyList());

        provider.server(serverRequest("8", ADMIN_PASSWORD)).processRecipe().orElseThrow()
                .initializer().initialize(context);

        assertThat(commands).containsExactly(List.of(
                "/usr/bin/mariadb-install-db", "--no-defaults", "--datadir=" + dir.resolve("data"), "--basedir=/usr",
                "--auth-root-authentication-method=normal", "--skip-test-db", "--cross-bootstrap",
                "--extra-file=" + accounts, "--innodb-buffer-pool-size=32M", "--innodb-log-file-size=16M"));
        assertThat(accountsWhileRunning).containsExactly("FLUSH PRIVILEGES;\n"
                + "ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY PASSWORD '" + ADMIN_HASH + "';\n"
                + "ALTER USER 'root'@'localhost' IDENTIFIED BY PASSWORD '" + ADMIN_HASH + "';\n"
                + "DROP USER 'root'@'::1';\n");
        assertThat(accounts).doesNotExist();
    }

    @Test
    void theLauncherListensOnTheRuntimesLoopbackEndpointWithItsFilesInTheRunDirectory(@TempDir Path dir)
            throws Exception {
        ProcessContext context = context(dir);
        List<String> command = provider.server(serverRequest("8", ADMIN_PASSWORD)).processRecipe().orElseThrow()
                .launcher().command(context);

        assertThat(command).containsExactly("/usr/sbin/mariadbd", "--no-defaults", "--datadir=" + dir.resolve("data"),
                "--basedir=/usr", "--bind-address=127.0.0.1", "--port=33061", "--socket=../run/mysqld.sock",
                "--pid-file=" + dir.resolve("run/mariadbd.pid"), "--skip-name-resolve",
                "--character-set-server=utf8mb4", "--local-infile=0", "--aria-pagecache-buffer-size=8M",
                "--key-buffer-size=1M", "--table-open-cache=400", "--innodb-buffer-pool-size=32M",
                "--innodb-log-file-size=16M");
        assertThat(String.join(" ", command)).doesNotContain(ADMIN_PASSWORD, ADMIN_HASH.substring(1));
        verify(context, never()).run(anyList());
    }

    @Test
    void theAdminPasswordHashIsTheOneMariaDbComputes() {
        // Both computed by MariaDB 10.11's PASSWORD().
        assertThat(MysqlProcess.nativePasswordHash("mypass")).isEqualTo("*6C8989366EAF75BB670AD8EA7A7FC1176A95CEF4");
        assertThat(MysqlProcess.nativePasswordHash("p@ss w:rd/ü"))
                .isEqualTo("*29A8B2C4EC8F807CD30107239EC0AF9A52285A77");
    }

    @Test
    void aTenantNamedLikeTheServersOwnDatabasesOrUsersIsRefusedBeforeAnyConnection() {
        for (String reserved : List.of("mysql", "sys", "information_schema", "performance_schema", "root", "public",
                "addons_catalog")) {
            TenantRequest request = TenantRequest.builder()
                    .addonId("a1")
                    .app("x", "production")
                    .variant("shared", true)
                    .tenant(reserved)
                    .build();

            assertThatThrownBy(() -> provider.provision(request, nowhere))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageStartingWith("MySQL tenant name '" + reserved + "' is reserved by the server");
            assertThatThrownBy(() -> provider.deprovision(request, Binding.of(), nowhere))
                    .isInstanceOf(ProvisioningException.class);
        }
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
                .hasMessageStartingWith("Provisioning MySQL tenant 'app1' on 127.0.0.1:1 failed (SQLState 08S01")
                .message().doesNotContain(ADMIN_PASSWORD);
    }

    private static void assertOfficialImage(ContainerRecipe container, String image) {
        assertThat(container.image()).isEqualTo(image);
        assertThat(container.environment()).containsOnly(Map.entry("MYSQL_ROOT_PASSWORD", ADMIN_PASSWORD));
        assertThat(container.command()).isEmpty();
        assertThat(container.port()).isEqualTo(3306);
        assertThat(container.dataPath()).isEqualTo("/var/lib/mysql");
    }

    /**
     * A process context over {@code data} and {@code run} below {@code dir}, with Debian's MariaDB
     * binaries, listening on 127.0.0.1:33061; its helper commands run nowhere.
     */
    private static ProcessContext context(Path dir) throws IOException {
        ProcessContext context = mock(ProcessContext.class);
        when(context.binary("mariadbd")).thenReturn(Path.of("/usr/sbin/mariadbd"));
        when(context.dataDirectory()).thenReturn(dir.resolve("data"));
        when(context.runDirectory()).thenReturn(dir.resolve("run"));
        when(context.endpoint()).thenReturn(new Endpoint("127.0.0.1", 33061));
        when(context.writePrivateFile(anyString(), anyString())).thenAnswer(call -> Files.writeString(
                Files.createDirectories(dir.resolve("run")).resolve(call.<String>getArgument(0)), call.getArgument(1)));
        return context;
    }

    private static ServerRequest serverRequest(String version, String adminPassword) {
        return ServerRequest.builder(version).adminPassword(adminPassword).build();
    }
}
