package dev.addons.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.MessageProperties;
import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.BackupCapability;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.TenantRequest;
import dev.addons.testkit.RuntimeServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Backups and restores of the definitions of real nodes' virtual hosts on one runtime, driven
 * through the provider: two nodes of two apps, {@code shop} and {@code staging}, shared by the
 * tests of a class, each tenant's virtual host made anew before each test. Apps work with the
 * official client from their variables only; policies, which the apps' users may not set, are
 * set through the management API as the admin. Prints how long backups and restores took.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RabbitMqBackupScenarios {
    private final RabbitMqProvider provider = new RabbitMqProvider();
    private final String runtime;
    private final String version;
    private final TenantRequest shop = TenantRequest.builder()
            .addonId("rabbitmq-shop-production-abcdef")
            .app("shop", "production")
            .variant("small", false)
            .tenant("shop")
            .build();
    private final TenantRequest staging = TenantRequest.builder()
            .addonId("rabbitmq-staging-production-abcdef")
            .app("staging", "production")
            .variant("small", false)
            .tenant("staging")
            .build();
    private RuntimeServer shopServer;
    private RuntimeServer stagingServer;
    private Binding shopBinding;
    private Binding stagingBinding;

    RabbitMqBackupScenarios(String runtime, String version) {
        this.runtime = runtime;
        this.version = version;
    }

    @BeforeAll
    void startTwoNodes() throws Exception {
        shopServer = RuntimeServer.start(provider, runtime, version, "shop");
        stagingServer = RuntimeServer.start(provider, runtime, version, "staging");
    }

    @AfterAll
    void destroyBoth() throws Exception {
        try {
            if (stagingServer != null) {
                stagingServer.close();
            }
        } finally {
            if (shopServer != null) {
                shopServer.close();
            }
        }
    }

    /** A tenant made again replaces the one of that name: an empty virtual host and a new password. */
    @BeforeEach
    void newTenants() {
        shopBinding = provider.provision(shop, shopServer.access());
        stagingBinding = provider.provision(staging, stagingServer.access());
    }

    @Test
    void aBackupTakenWhileAnAppKeepsDeclaringQueuesHoldsWhatWasThereBeforeAndARestoreBringsItBack()
            throws Exception {
        declareShopTopology();
        AtomicInteger declared = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Exception> writerFailure = new AtomicReference<>();
        CountDownLatch writing = new CountDownLatch(20);
        Thread writer = new Thread(() -> {
            try (Connection connection = Amqp.connect(url(shopServer, shopBinding));
                    Channel channel = connection.createChannel()) {
                for (int i = 0; !stop.get(); i++) {
                    channel.queueDeclare("writer-" + i, true, false, false, null);
                    declared.set(i + 1);
                    writing.countDown();
                }
            } catch (Exception e) {
                writerFailure.set(e);
            }
        }, "rabbitmq-writer");
        writer.start();
        byte[] backup;
        int declaredBeforeBackup;
        try {
            assertThat(writing.await(60, TimeUnit.SECONDS)).as("the writer declares queues").isTrue();
            declaredBeforeBackup = declared.get();
            backup = backUp(shopServer, shop, shopBinding);
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(writerFailure.get()).as("the writer's failure").isNull();
        int declaredAfterBackup = declared.get();
        try (Connection connection = Amqp.connect(url(shopServer, shopBinding));
                Channel channel = connection.createChannel()) {
            channel.queueDelete("orders.created");
            channel.queueUnbind("orders.audit", "orders", "order.#");
            channel.queueDeclare("after-backup", true, false, false, null);
            channel.exchangeDeclare("after-backup", BuiltinExchangeType.FANOUT, true);
            channel.queueBind("after-backup", "orders", "after.#");
        }
        setPolicy(shopServer, "shop", "ttl", "{\"pattern\":\"^orders\\\\.\",\"definition\":{\"message-ttl\":1},"
                + "\"apply-to\":\"queues\"}");
        setPolicy(shopServer, "shop", "after-backup", "{\"pattern\":\"^after\",\"definition\":{\"max-length\":1}}");

        restore(shopServer, shop, shopBinding, backup);

        Map<String, Object> definitions = definitions(shopServer, "shop");
        assertThat(names(definitions, "queues")).contains("orders.created", "orders.audit", "kept")
                .doesNotContain("after-backup");
        for (int i = 0; i < declaredBeforeBackup; i++) {
            assertThat(names(definitions, "queues")).as("queues").contains("writer-" + i);
        }
        assertThat(names(definitions, "exchanges")).containsExactly("orders");
        assertThat(definitions.get("bindings").toString()).contains("order.created", "order.#")
                .doesNotContain("after.#");
        assertThat(definitions.get("policies").toString()).contains("ttl", "60000").doesNotContain("after-backup");
        try (Connection connection = Amqp.connect(url(shopServer, shopBinding));
                Channel channel = connection.createChannel()) {
            assertThat(channel.basicGet("kept", true).getBody()).asString(StandardCharsets.UTF_8)
                    .as("a queue the backup declares as it is keeps its messages").isEqualTo("still here");
        }
        Map<String, String> summary = provider.summary(shop, shopBinding, shopServer.access());
        assertThat(summary).containsOnlyKeys("queues", "exchanges", "bindings", "policies")
                .containsEntry("exchanges", "1").containsEntry("bindings", "2").containsEntry("policies", "1");
        assertThat(Integer.parseInt(summary.get("queues"))).isBetween(3 + declaredBeforeBackup,
                3 + declaredAfterBackup);
        System.out.printf("rabbitmq on the %s runtime: %d queues declared before the backup, %d by its end%n",
                runtime, declaredBeforeBackup, declaredAfterBackup);
    }

    @Test
    void aRestoreIntoAnotherAppsNodeClonesTheDefinitionsAndKeepsThatAppsOwnUser() throws Exception {
        declareShopTopology();
        byte[] backup = backUp(shopServer, shop, shopBinding);
        assertThat(new String(backup, StandardCharsets.UTF_8)).doesNotContain(shopBinding.require("password"))
                .doesNotContain("\"users\"").doesNotContain("\"permissions\"");
        try (Connection connection = Amqp.connect(url(stagingServer, stagingBinding));
                Channel channel = connection.createChannel()) {
            channel.queueDeclare("staging-only", true, false, false, null);
        }
        assertThat(provider.hasData(staging, stagingBinding, stagingServer.access())).isTrue();

        restore(stagingServer, staging, stagingBinding, backup);

        assertThat(provider.summary(staging, stagingBinding, stagingServer.access()))
                .isEqualTo(provider.summary(shop, shopBinding, shopServer.access()))
                .containsEntry("queues", "3").containsEntry("exchanges", "1").containsEntry("bindings", "2")
                .containsEntry("policies", "1");
        assertThat(names(definitions(stagingServer, "staging"), "queues"))
                .containsExactlyInAnyOrder("orders.created", "orders.audit", "kept");
        try (Connection connection = Amqp.connect(url(stagingServer, stagingBinding));
                Channel channel = connection.createChannel()) {
            channel.basicPublish("orders", "order.created", null, "cloned".getBytes(StandardCharsets.UTF_8));
            channel.queueDeclarePassive("orders.created");
        }
        String shopUserOnStaging = url(stagingServer, stagingBinding).replace(
                "staging:" + stagingBinding.require("password") + "@",
                "shop:" + shopBinding.require("password") + "@").replaceFirst("/staging$", "/shop");
        assertThatThrownBy(() -> Amqp.connect(shopUserOnStaging).close())
                .as("the source app's user on the clone").isInstanceOf(AuthenticationFailureException.class);
        ManagementApi.Response users = ManagementApi.of(stagingServer.access(), Duration.ofSeconds(10))
                .get("/api/users/shop");
        assertThat(users.status()).isEqualTo(404);
    }

    @Test
    void aBackupTheNodeCannotImportChangesNothing() throws Exception {
        declareShopTopology();
        String unknownType = "{\"queues\":[{\"name\":\"q\",\"durable\":true,\"auto_delete\":false,"
                + "\"arguments\":{}}],\"exchanges\":[{\"name\":\"hashed\",\"type\":\"x-no-such-type\","
                + "\"durable\":true,\"auto_delete\":false,\"internal\":false,\"arguments\":{}}],\"bindings\":[],"
                + "\"policies\":[],\"parameters\":[]}";
        Map<String, String> before = provider.summary(shop, shopBinding, shopServer.access());

        assertThatThrownBy(() -> restore(shopServer, shop, shopBinding, unknownType.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ProvisioningException.class)
                .hasMessageStartingWith("Restore of rabbitmq-shop-production-abcdef (RabbitMQ virtual host 'shop' on ")
                .hasMessageContaining("this node does not import the backup (HTTP ")
                .hasMessageEndingWith("; nothing was changed")
                .message().doesNotContain(shopServer.access().adminPassword());
        assertThatThrownBy(() -> restore(shopServer, shop, shopBinding, "REDIS0010".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ProvisioningException.class)
                .hasMessageContaining("the backup is not a RabbitMQ definitions export (not JSON: ")
                .hasMessageEndingWith("; nothing was changed");

        assertThat(provider.summary(shop, shopBinding, shopServer.access())).isEqualTo(before);
        assertThat(names(definitions(shopServer, "shop"), "queues")).doesNotContain("q");
        assertThat(ManagementApi.of(shopServer.access(), Duration.ofSeconds(10)).get("/api/vhosts").body())
                .as("no scratch virtual host is left")
                .doesNotContain("addons-restore-check");
    }

    /**
     * Issue 17: the import runs as the admin, so an archive's runtime parameters (a federation
     * upstream reaching other virtual hosts as the node) or foreign policy keys would be made for
     * a tenant that can make neither. Refused before anything is touched.
     */
    @Test
    void anArchiveHoldingWhatNoTenantMakesIsRefusedAndChangesNothing() throws Exception {
        declareShopTopology();
        Map<String, String> before = provider.summary(shop, shopBinding, shopServer.access());
        String upstream = "{\"queues\":[],\"exchanges\":[],\"bindings\":[],\"policies\":[],\"parameters\":["
                + "{\"component\":\"federation-upstream\",\"name\":\"all\",\"value\":{\"uri\":\"amqp://\"}}]}";
        String federated = "{\"queues\":[],\"exchanges\":[],\"bindings\":[],\"parameters\":[],\"policies\":["
                + "{\"name\":\"out\\u001b[2J\",\"pattern\":\".*\",\"apply-to\":\"all\",\"priority\":0,"
                + "\"definition\":{\"federation-upstream-set\":\"all\"}}]}";

        assertThatThrownBy(() -> restore(shopServer, shop, shopBinding, upstream.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ProvisioningException.class)
                .hasMessageContaining("the backup holds runtime parameters (components [federation-upstream])")
                .hasMessageEndingWith("; nothing was changed");
        assertThatThrownBy(() -> restore(shopServer, shop, shopBinding, federated.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ProvisioningException.class)
                .hasMessageContaining("the backup's policy 'out\\u001b[2J' sets 'federation-upstream-set', which a"
                        + " restore does not set")
                .hasMessageEndingWith("; nothing was changed");

        assertThat(provider.summary(shop, shopBinding, shopServer.access())).isEqualTo(before);
        ManagementApi api = ManagementApi.of(shopServer.access(), Duration.ofSeconds(10));
        assertThat(api.get("/api/parameters").body()).doesNotContain("federation-upstream");
        assertThat(api.get("/api/policies/shop").body()).doesNotContain("federation-upstream-set");
    }

    @Test
    void aNewVirtualHostHasNoDataAndASummaryOfZeros() {
        assertThat(provider.hasData(shop, shopBinding, shopServer.access())).isFalse();
        assertThat(provider.summary(shop, shopBinding, shopServer.access()))
                .isEqualTo(Map.of("queues", "0", "exchanges", "0", "bindings", "0", "policies", "0"));
        assertThat(provider.capability(BackupCapability.class)).containsSame(provider);
    }

    /**
     * A topic exchange {@code orders} bound to two durable queues, one with a message TTL; a queue
     * {@code kept} with a persistent message; a policy on the {@code orders.} queues.
     */
    private void declareShopTopology() throws Exception {
        try (Connection connection = Amqp.connect(url(shopServer, shopBinding));
                Channel channel = connection.createChannel()) {
            channel.exchangeDeclare("orders", BuiltinExchangeType.TOPIC, true);
            channel.queueDeclare("orders.created", true, false, false, Map.of("x-message-ttl", 600_000));
            channel.queueDeclare("orders.audit", true, false, false, null);
            channel.queueBind("orders.created", "orders", "order.created");
            channel.queueBind("orders.audit", "orders", "order.#");
            channel.queueDeclare("kept", true, false, false, null);
            channel.confirmSelect();
            channel.basicPublish("", "kept", MessageProperties.PERSISTENT_TEXT_PLAIN,
                    "still here".getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(5_000);
        }
        setPolicy(shopServer, "shop", "ttl", "{\"pattern\":\"^orders\\\\.\",\"definition\":{\"message-ttl\":60000},"
                + "\"apply-to\":\"queues\"}");
    }

    private byte[] backUp(RuntimeServer server, TenantRequest tenant, Binding binding) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long begin = System.nanoTime();
        provider.backup(tenant, binding, server.access(), server, out);
        System.out.printf("rabbitmq on the %s runtime: backup of %d bytes in %d ms%n", runtime, out.size(),
                (System.nanoTime() - begin) / 1_000_000);
        return out.toByteArray();
    }

    private void restore(RuntimeServer server, TenantRequest tenant, Binding binding, byte[] backup) {
        long begin = System.nanoTime();
        try {
            provider.restore(tenant, binding, server.access(), server, new ByteArrayInputStream(backup));
        } finally {
            System.out.printf("rabbitmq on the %s runtime: restore of %d bytes in %d ms%n", runtime, backup.length,
                    (System.nanoTime() - begin) / 1_000_000);
        }
    }

    private static void setPolicy(RuntimeServer server, String vhost, String name, String json) throws Exception {
        ManagementApi.Response response = ManagementApi.of(server.access(), Duration.ofSeconds(10))
                .put("/api/policies/" + vhost + "/" + name, json);
        assertThat(response.isSuccess()).as("PUT policy " + name + ": " + response.body()).isTrue();
    }

    private static Map<String, Object> definitions(RuntimeServer server, String vhost) throws Exception {
        ManagementApi.Response response = ManagementApi.of(server.access(), Duration.ofSeconds(10))
                .get("/api/definitions/" + dev.addons.api.spi.Urls.encode(vhost));
        assertThat(response.isSuccess()).as(response.body()).isTrue();
        return RabbitMqDefinitions.parse(response.body());
    }

    @SuppressWarnings("unchecked")
    private static java.util.List<Object> names(Map<String, Object> definitions, String kind) {
        return ((java.util.List<Map<String, Object>>) definitions.get(kind)).stream()
                .map(item -> item.get("name")).toList();
    }

    private String url(RuntimeServer server, Binding binding) throws IOException {
        return provider.credentials(binding, server.access().endpoint()).get("RABBITMQ_URL").orElseThrow();
    }
}
