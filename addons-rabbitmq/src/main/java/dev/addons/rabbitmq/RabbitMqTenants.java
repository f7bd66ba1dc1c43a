package dev.addons.rabbitmq;

import static dev.addons.api.spi.Urls.encode;

import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.Redaction;
import dev.addons.api.spi.Secrets;
import dev.addons.api.spi.ServerAccess;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and removes a tenant through the management API: a virtual host and a user of the
 * tenant's name, the user with a random password, no tags (so no access to the management API
 * itself) and full permissions ({@code .*} to configure, write and read) on that virtual host
 * alone. An app therefore reaches neither the default virtual host {@code /} nor another app's.
 * Removing the virtual host deletes its queues and exchanges and closes its connections.
 * Passwords travel only in request bodies and never appear in messages. Stateless and thread-safe.
 */
final class RabbitMqTenants {
    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqTenants.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String FULL_PERMISSIONS = "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}";

    private RabbitMqTenants() {
    }

    /** Creates the tenant {@code name}, replacing one of that name left by an earlier attempt. */
    static Binding provision(String name, ServerAccess server) {
        refuseReserved(name, server);
        long started = System.nanoTime();
        String password = Secrets.password();
        ManagementApi api = ManagementApi.of(server, TIMEOUT);
        String what = "Provisioning RabbitMQ tenant '" + name + "' on " + server.endpoint();
        String version;
        try {
            if (remove(api, name)) {
                LOG.info("{} - Replacing the user and virtual host of that name left by an earlier attempt", name);
            }
            try {
                expectSuccess(api.put("/api/vhosts/" + encode(name), "{}"), "PUT /api/vhosts/" + name);
                expectSuccess(api.put("/api/users/" + encode(name),
                        Json.write(Map.of("password", password, "tags", ""))), "PUT /api/users/" + name);
                expectSuccess(api.put("/api/permissions/" + encode(name) + "/" + encode(name), FULL_PERMISSIONS),
                        "PUT /api/permissions/" + name + "/" + name);
                version = api.serverVersion().orElse("unknown");
            } catch (IOException | RuntimeException e) {
                removeAfterFailure(api, name, e);
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            throw failure(what, e, password, server.adminPassword());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisioningException(what + " was interrupted", e);
        }
        LOG.info("{} - Provisioned user and virtual host on {} (RabbitMQ {}) in {} ms", name, server.endpoint(),
                version, (System.nanoTime() - started) / 1_000_000);
        return Binding.of(
                RabbitMqCredentials.USER, name,
                RabbitMqCredentials.PASSWORD, password,
                RabbitMqCredentials.VHOST, name,
                RabbitMqCredentials.SERVER_VERSION, version);
    }

    /** Deletes the tenant's virtual host and user; a tenant already gone is no error. */
    static void deprovision(String name, ServerAccess server) {
        refuseReserved(name, server);
        String what = "Deprovisioning RabbitMQ tenant '" + name + "' on " + server.endpoint();
        try {
            boolean existed = remove(ManagementApi.of(server, TIMEOUT), name);
            LOG.info("{} - {} on {}", name, existed ? "Deleted virtual host and user" : "No virtual host or user to delete",
                    server.endpoint());
        } catch (IOException | RuntimeException e) {
            throw failure(what, e, server.adminPassword());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisioningException(what + " was interrupted", e);
        }
    }

    private static void refuseReserved(String name, ServerAccess server) {
        if (name.equals(server.adminUser())) {
            throw new ProvisioningException("RabbitMQ tenant name '" + name + "' is the server's admin user;"
                    + " give the tenant another name");
        }
    }

    /** Deletes the virtual host (with its connections) and then the user; whether either existed. */
    private static boolean remove(ManagementApi api, String name) throws IOException, InterruptedException {
        boolean vhost = deleted(api.delete("/api/vhosts/" + encode(name)), "DELETE /api/vhosts/" + name);
        boolean user = deleted(api.delete("/api/users/" + encode(name)), "DELETE /api/users/" + name);
        return vhost || user;
    }

    private static boolean deleted(ManagementApi.Response response, String request) {
        if (response.status() == 404) {
            return false;
        }
        expectSuccess(response, request);
        return true;
    }

    /** Throws a {@link ProvisioningException} quoting the answer when it is not a success. */
    static void expectSuccess(ManagementApi.Response response, String request) {
        if (!response.isSuccess()) {
            throw new ProvisioningException(request + " answered HTTP " + response.status() + ": "
                    + response.body().strip());
        }
    }

    private static void removeAfterFailure(ManagementApi api, String name, Exception failure) {
        try {
            remove(api, name);
        } catch (IOException | RuntimeException cleanup) {
            failure.addSuppressed(cleanup);
        } catch (InterruptedException cleanup) {
            Thread.currentThread().interrupt();
            failure.addSuppressed(cleanup);
        }
    }

    /**
     * A {@link ProvisioningException} saying what failed and why, with every {@code secret}
     * redacted from the message and, through {@link Redaction}, from the whole cause chain: requests
     * carry credentials in a header and passwords in bodies, which neither the HTTP client nor the
     * API's answers are known to repeat, but an answer quoting a body would.
     */
    static ProvisioningException failure(String what, Exception failure, String... secrets) {
        Redaction redaction = Redaction.of(secrets);
        return new ProvisioningException(what + " failed: " + redaction.reason(failure), redaction.redact(failure));
    }
}
