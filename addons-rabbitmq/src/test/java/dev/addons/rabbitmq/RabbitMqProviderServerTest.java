package dev.addons.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import dev.addons.api.Credentials;
import dev.addons.api.Endpoint;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.Secrets;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.TenantRequest;
import dev.addons.testkit.ProviderServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The provider against a real node it describes itself: RabbitMQ 3 from Debian's package, run by
 * the process runtime ({@link ProviderServer}) and shared by the tests, each tenant in a virtual
 * host of its own. Apps connect with the official client from their variables only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RabbitMqProviderServerTest {

    private final RabbitMqProvider provider = new RabbitMqProvider();
    private final List<String> tenants = new ArrayList<>();
    private final List<String> tenantPasswords = new ArrayList<>();
    private ProviderServer server;

    @BeforeAll
    void startServer() throws Exception {
        server = ProviderServer.start(provider, "3");
    }

    @AfterAll
    void stopServer() throws Exception {
        if (server != null) {
            List<ProcessHandle> processes = server.processes();
            assertThat(processes).extracting(p -> p.info().command().orElse(""))
                    .anyMatch(command -> command.endsWith("/beam.smp"))
                    .anyMatch(command -> command.endsWith("/epmd"));
            assertThat(NodeProcesses.mentioning(server.directory())).containsExactlyInAnyOrderElementsOf(processes);
            assertThat(NodeProcesses.listeningAddresses(processes)).as("AMQP, management, distribution, epmd")
                    .hasSizeGreaterThanOrEqualTo(4)
                    .allMatch(address -> address.startsWith("127.0.0.1:") || address.startsWith("[::1]:"));
            String adminPassword = server.access().adminPassword();
            String cookie = Files.readString(server.directory().resolve("run/.erlang.cookie"));
            for (ProcessHandle process : processes) {
                assertThat(NodeProcesses.commandLineAndEnvironment(process)).as("what ps shows of %s", process)
                        .doesNotContain(adminPassword)
                        .doesNotContain(cookie);
            }
            String log = Files.readString(server.directory().resolve("server.log"));
            assertThat(log).contains("Server startup complete").doesNotContain(adminPassword);
            assertThat(tenantPasswords).isNotEmpty().noneMatch(log::contains);
            server.close();
            assertThat(processes).noneMatch(NodeProcesses::isRunning);
            assertThat(NodeProcesses.mentioning(server.directory())).isEmpty();
        }
    }

    @AfterEach
    void deprovisionTenants() {
        tenants.forEach(tenant -> provider.deprovision(request(tenant), Binding.of(), server.access()));
        tenants.clear();
    }

    @Test
    void anAnswerQuotingASecretLeavesItInNoPartOfTheFailure() throws Exception {
        String secret = Secrets.random(32);
        ManagementApi api = ManagementApi.of(server.access(), java.time.Duration.ofSeconds(30));
        ManagementApi.Response answer = api.put("/api/policies/%2F/addons-redaction-check",
                Json.write(Map.of("pattern", "^nothing$", "definition", Map.of(secret, 1))));
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).as("the node quotes what it refused").contains(secret);
        Exception refused = catchThrowableOfType(() -> RabbitMqTenants.expectSuccess(answer, "PUT /api/policies"),
                dev.addons.api.ProvisioningException.class);

        dev.addons.api.ProvisioningException failure = RabbitMqTenants.failure("Restoring", refused, secret);

        assertThat(failure.getMessage()).startsWith("Restoring failed: PUT /api/policies answered HTTP 400: ")
                .doesNotContain(secret);
        java.io.StringWriter trace = new java.io.StringWriter();
        failure.printStackTrace(new java.io.PrintWriter(trace));
        assertThat(trace.toString()).doesNotContain(secret).contains("<redacted>");
    }

    @Test
    void eachTenantCarriesMessagesWithNothingButItsUrl() throws Exception {
        for (Credentials app : List.of(provision("app1"), provision("app2"))) {
            try (Connection connection = Amqp.connect(url(app))) {
                assertThat(Amqp.roundTrip(connection, "greetings", "hello from " + app.get("RABBITMQ_USER").orElseThrow()))
                        .isEqualTo("hello from " + app.get("RABBITMQ_USER").orElseThrow());
            }
        }
    }

    @Test
    void theSeparateVariablesLeadToTheSameVirtualHostAsTheUrl() throws Exception {
        Map<String, String> env = provision("parts").toMap();
        try (Connection byUrl = Amqp.connect(env.get("RABBITMQ_URL")); Channel channel = byUrl.createChannel()) {
            channel.queueDeclare("made-by-url", true, false, false, null);
        }

        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(env.get("RABBITMQ_HOST"));
        factory.setPort(Integer.parseInt(env.get("RABBITMQ_PORT")));
        factory.setUsername(env.get("RABBITMQ_USER"));
        factory.setPassword(env.get("RABBITMQ_PASSWORD"));
        factory.setVirtualHost(env.get("RABBITMQ_VHOST"));
        try (Connection byParts = factory.newConnection(); Channel channel = byParts.createChannel()) {
            assertThat(channel.queueDeclarePassive("made-by-url").getQueue()).isEqualTo("made-by-url");
        }
    }

    @Test
    void provisioningRecordsTheUserVirtualHostAndServerVersion() {
        Binding binding = provider.provision(request("versionapp"), server.access());
        tenants.add("versionapp");

        assertThat(binding.values()).containsOnlyKeys("user", "password", "vhost", "serverVersion");
        assertThat(binding.require("serverVersion")).startsWith("3.");
        assertThat(binding.require("user")).isEqualTo("versionapp");
        assertThat(binding.require("vhost")).isEqualTo("versionapp");
        assertThat(binding.require("password")).matches("[A-Za-z0-9]{32}");
    }

    @Test
    void aWrongPasswordIsRefused() {
        Credentials app = provision("app1");
        String wrong = url(app).replace(app.get("RABBITMQ_PASSWORD").orElseThrow(), "not-the-password");

        assertThatThrownBy(() -> Amqp.connect(wrong).close())
                .isInstanceOf(AuthenticationFailureException.class)
                .hasMessageContaining("ACCESS_REFUSED");
    }

    @Test
    void theGuestUserDoesNotExist() {
        Endpoint amqp = server.access().endpoint();

        assertThatThrownBy(() -> Amqp.connect("amqp://guest:guest@" + amqp.host() + ":" + amqp.port() + "/%2F").close())
                .isInstanceOf(AuthenticationFailureException.class)
                .hasMessageContaining("ACCESS_REFUSED");
    }

    @Test
    void aTenantCanOpenNeitherTheDefaultVirtualHostNorAnotherTenants() {
        Credentials app1 = provision("app1");
        provision("app2");
        String base = url(app1).substring(0, url(app1).lastIndexOf('/') + 1);

        for (String vhost : List.of("%2F", "app2")) {
            assertThatThrownBy(() -> Amqp.connect(base + vhost).close())
                    .isInstanceOf(IOException.class)
                    .rootCause().isInstanceOf(ShutdownSignalException.class)
                    .hasMessageContaining("NOT_ALLOWED")
                    .hasMessageContaining("access to vhost '" + (vhost.equals("%2F") ? "/" : vhost)
                            + "' refused for user 'app1'");
        }
    }

    @Test
    void aTenantHasNoAccessToTheManagementApi() throws Exception {
        Credentials app = provision("app1");

        assertThat(managementStatus(app.get("RABBITMQ_USER").orElseThrow(), app.get("RABBITMQ_PASSWORD").orElseThrow(),
                "/api/overview")).isEqualTo(401);
        assertThat(managementStatus(server.access().adminUser(), server.access().adminPassword(), "/api/overview"))
                .isEqualTo(200);
    }

    @Test
    void deprovisioningRemovesTheTenantClosesItsConnectionsAndLeavesTheOthersWorking() throws Exception {
        Credentials app1 = provision("app1");
        Credentials app2 = provision("app2");
        Connection open = Amqp.connect(url(app1));
        CompletableFuture<ShutdownSignalException> closed = new CompletableFuture<>();
        open.addShutdownListener(closed::complete);

        provider.deprovision(request("app1"), Binding.of(), server.access());
        tenants.remove("app1");

        assertThat(closed.get(10, TimeUnit.SECONDS).getMessage()).contains("CONNECTION_FORCED");
        assertThatThrownBy(() -> Amqp.connect(url(app1)).close()).isInstanceOf(AuthenticationFailureException.class);
        assertThat(managementStatus(server.access().adminUser(), server.access().adminPassword(), "/api/vhosts/app1"))
                .isEqualTo(404);
        try (Connection other = Amqp.connect(url(app2))) {
            assertThat(Amqp.roundTrip(other, "still", "working")).isEqualTo("working");
        }
        provider.deprovision(request("app1"), Binding.of(), server.access());
    }

    @Test
    void provisioningAgainReplacesTheTenantWithAFreshOneAndANewPassword() throws Exception {
        Credentials first = provision("again");
        try (Connection connection = Amqp.connect(url(first)); Channel channel = connection.createChannel()) {
            channel.queueDeclare("leftover", true, false, false, null);
        }

        long started = System.nanoTime();
        Credentials second = provider.credentials(provider.provision(request("again"), server.access()),
                server.access().endpoint());
        System.out.printf("re-provisioning a tenant took %d ms%n", (System.nanoTime() - started) / 1_000_000);

        assertThat(second.get("RABBITMQ_PASSWORD")).isNotEqualTo(first.get("RABBITMQ_PASSWORD"));
        assertThatThrownBy(() -> Amqp.connect(url(first)).close()).isInstanceOf(AuthenticationFailureException.class);
        try (Connection connection = Amqp.connect(url(second))) {
            Channel channel = connection.createChannel(); // closed by the broker on the expected error
            assertThatThrownBy(() -> channel.queueDeclarePassive("leftover"))
                    .isInstanceOf(IOException.class)
                    .rootCause().hasMessageContaining("NOT_FOUND");
        }
    }

    @Test
    void tenantsProvisionedInParallelAllWork() throws Exception {
        List<String> names = List.of("par1", "par2", "par3", "par4");
        ExecutorService pool = Executors.newFixedThreadPool(names.size());
        try {
            List<Future<Credentials>> futures = new ArrayList<>();
            for (String name : names) {
                tenants.add(name);
                futures.add(pool.submit(() -> provider.credentials(provider.provision(request(name), server.access()),
                        server.access().endpoint())));
            }
            for (Future<Credentials> future : futures) {
                try (Connection connection = Amqp.connect(url(future.get()))) {
                    assertThat(Amqp.roundTrip(connection, "q", "m")).isEqualTo("m");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private Credentials provision(String tenant) {
        long started = System.nanoTime();
        Binding binding = provider.provision(request(tenant), server.access());
        System.out.printf("provisioning %s took %d ms%n", tenant, (System.nanoTime() - started) / 1_000_000);
        tenants.add(tenant);
        tenantPasswords.add(binding.require("password"));
        return provider.credentials(binding, server.access().endpoint());
    }

    private static TenantRequest request(String tenant) {
        return TenantRequest.builder()
                .addonId("addon-" + tenant)
                .app(tenant, "test")
                .variant("small", false)
                .tenant(tenant)
                .build();
    }

    private static String url(Credentials credentials) {
        return credentials.get("RABBITMQ_URL").orElseThrow();
    }

    private int managementStatus(String user, String password, String path) throws Exception {
        ServerAccess access = server.access();
        Endpoint management = access.endpoint("management");
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://" + management.host() + ":" + management.port() + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
