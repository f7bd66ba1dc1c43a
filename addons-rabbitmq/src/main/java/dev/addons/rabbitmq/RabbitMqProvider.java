package dev.addons.rabbitmq;

import dev.addons.api.AddonSpec;
import dev.addons.api.Credentials;
import dev.addons.api.Endpoint;
import dev.addons.api.Variant;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.AddonVariables;
import dev.addons.api.spi.BackupCapability;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.ContainerRecipe;
import dev.addons.api.spi.ProcessRecipe;
import dev.addons.api.spi.ProviderDescriptor;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.api.spi.ServerRequest;
import dev.addons.api.spi.ServerTools;
import dev.addons.api.spi.TenantRequest;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code rabbitmq} addon: a dedicated RabbitMQ node per app ({@code small}), with a user and a
 * virtual host of the app's own. Its variables are {@code RABBITMQ_URL}, {@code RABBITMQ_HOST},
 * {@code RABBITMQ_PORT}, {@code RABBITMQ_USER}, {@code RABBITMQ_PASSWORD} and
 * {@code RABBITMQ_VHOST}.
 *
 * <p>On the process runtime, nodes run from the host's {@code rabbitmq-server} package, which is
 * RabbitMQ 3 on Debian 12: version {@code 3} runs there, and {@code 4} (the default) is refused
 * before anything starts, saying so. As a container, a version runs as the official
 * {@code rabbitmq:<version>-management} image; a version containing {@code ':'} is a full image
 * reference and runs as a container only.
 *
 * <p>Each node gets its own node name, ports (AMQP, management API, Erlang distribution, epmd, all on
 * 127.0.0.1), data and configuration under its server directory. The admin user, named
 * {@value #ADMIN_USER} (which no tenant name can be), is set in the node's configuration, so the
 * {@code guest} user never exists. The provider works through the management plugin's HTTP API
 * and needs no AMQP client library.
 *
 * <p>Backups hold the definitions of the tenant's virtual host (queues, exchanges, bindings,
 * policies, parameters), not its messages, nor its user: see {@link RabbitMqDefinitions}.
 *
 * <p>Stateless and thread-safe; the no-arg constructor does nothing.
 */
public final class RabbitMqProvider implements AddonProvider, BackupCapability {

    static final String ADMIN_USER = "addons-admin";
    static final ProviderDescriptor DESCRIPTOR = ProviderDescriptor.builder("rabbitmq")
            .description("Managed RabbitMQ message broker")
            .variant(Variant.small("Dedicated server"))
            .versions("3", "4")
            .defaultVersion("4")
            .build();
    private static final int CONTAINER_PORT = 5672;
    private static final int CONTAINER_MANAGEMENT_PORT = 15672;
    private static final String CONTAINER_DATA = "/var/lib/rabbitmq";
    private static final String CONTAINER_NODE_NAME = "rabbit@localhost";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    /** Creates the provider; does no I/O. */
    public RabbitMqProvider() {
    }

    @Override
    public ProviderDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ServerDefinition server(ServerRequest request) {
        String version = request.version();
        boolean imageReference = AddonSpec.isImageReference(version);
        String image = imageReference ? version : "rabbitmq:" + version + "-management";
        ProcessRecipe process = imageReference ? null
                : RabbitMqProcess.recipe(version, ADMIN_USER, request.adminPassword());
        // Only the management API is published besides AMQP: the Erlang distribution and epmd
        // ports stay inside the container, where nothing outside has use for them. The image names
        // the node, and so its database directory in the volume, after the container's host name,
        // which a replacing container does not share: a fixed node name keeps the users, virtual
        // hosts and messages across a restart.
        ContainerRecipe container = ContainerRecipe.builder(image, CONTAINER_PORT, CONTAINER_DATA)
                .environment(Map.of("RABBITMQ_DEFAULT_USER", ADMIN_USER,
                        "RABBITMQ_DEFAULT_PASS", request.adminPassword(),
                        "RABBITMQ_NODENAME", CONTAINER_NODE_NAME))
                .extraPorts(Map.of(RabbitMqProcess.MANAGEMENT, CONTAINER_MANAGEMENT_PORT))
                .build();
        return new ServerDefinition(DESCRIPTOR.name(), version, ADMIN_USER, request.adminPassword(), process, container,
                RabbitMqReadiness::check, START_TIMEOUT);
    }

    @Override
    public Binding provision(TenantRequest request, ServerAccess server) {
        return RabbitMqTenants.provision(request.tenant(), server);
    }

    @Override
    public Credentials credentials(Binding binding, Endpoint endpoint) {
        return RabbitMqCredentials.of(binding, endpoint);
    }

    @Override
    public Optional<AddonVariables> variables() {
        return Optional.of(RabbitMqCredentials.VARIABLES);
    }

    @Override
    public Map<String, String> springBootProperties(Credentials credentials) {
        return RabbitMqCredentials.springBootProperties(credentials);
    }

    @Override
    public void deprovision(TenantRequest request, Binding binding, ServerAccess server) {
        RabbitMqTenants.deprovision(request.tenant(), server);
    }

    /** RabbitMQ backs up the definitions of the tenant's virtual host. */
    @Override
    public void backup(TenantRequest request, Binding binding, ServerAccess server, ServerTools tools,
            OutputStream out) {
        RabbitMqDefinitions.backup(request, binding, server, out);
    }

    @Override
    public void restore(TenantRequest request, Binding binding, ServerAccess server, ServerTools tools,
            InputStream in) {
        RabbitMqDefinitions.restore(request, binding, server, in);
    }

    /** Whether the virtual host has a queue, exchange, binding, policy or parameter of its own. */
    @Override
    public boolean hasData(TenantRequest request, Binding binding, ServerAccess server) {
        return RabbitMqDefinitions.hasData(request, binding, server);
    }

    /** The numbers of queues, exchanges, bindings and policies of the virtual host. */
    @Override
    public Map<String, String> summary(TenantRequest request, Binding binding, ServerAccess server) {
        return RabbitMqDefinitions.summary(request, binding, server);
    }
}
