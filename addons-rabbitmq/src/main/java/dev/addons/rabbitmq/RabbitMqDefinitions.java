package dev.addons.rabbitmq;

import static dev.addons.api.spi.Urls.encode;

import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.TenantRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backups of a tenant's virtual host as its definitions: the management API's export of the
 * virtual host ({@code GET /api/definitions/<vhost>}) as JSON, holding its queues, exchanges,
 * bindings, policies and runtime parameters. Messages are not backed up. Nor are users and
 * permissions, which a virtual host's export never holds: a restore into another app's virtual
 * host keeps that app's own user, password and permissions.
 *
 * <p>A restore makes the virtual host's definitions those of the backup, as far as the API allows
 * all or nothing:
 * <ol>
 *   <li>the backup is imported into a scratch virtual host first, which is then deleted: a backup
 *       this node cannot import (an exchange type or parameter of a plugin it lacks, arguments it
 *       refuses) fails there, with the tenant's virtual host untouched;</li>
 *   <li>the virtual host's definitions as they are now are kept in memory;</li>
 *   <li>what the backup does not hold, or holds differently, is deleted (bindings, policies,
 *       parameters, queues, exchanges); the backup is imported; the result is checked against
 *       it;</li>
 *   <li>when a step of 3 fails, the same is done with the definitions kept in 2.</li>
 * </ol>
 * What cannot be undone: the management API has no transactions, so clients see the steps one by
 * one, and the messages of a queue that step 3 deleted (one the backup lacks, or declares
 * differently) are gone, also when the old definitions are put back. Queues the backup declares
 * as they are keep their messages.
 *
 * <p>Stateless and thread-safe.
 */
final class RabbitMqDefinitions {
    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqDefinitions.class);

    /** What a virtual host's definitions hold, in the order of deletion (bindings before what they bind). */
    private static final List<String> KINDS = List.of("bindings", "policies", "parameters", "queues", "exchanges");
    /** What {@link #summary} counts. */
    private static final List<String> COUNTED = List.of("queues", "exchanges", "bindings", "policies");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_BYTES = 64 * 1024 * 1024;

    private RabbitMqDefinitions() {
    }

    /** Writes the virtual host's definitions, as the management API exports them, to {@code out}. */
    static void backup(TenantRequest request, Binding binding, ServerAccess server, OutputStream out) {
        String vhost = binding.require(RabbitMqCredentials.VHOST);
        String what = "Backup of " + request.addonId() + " (RabbitMQ virtual host '" + vhost + "' on "
                + server.endpoint() + ")";
        long begin = System.nanoTime();
        Map<String, Object> definitions;
        try {
            String export = export(ManagementApi.of(server, TIMEOUT), vhost);
            definitions = parse(export);
            out.write(export.getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            throw RabbitMqTenants.failure(what, e, server.adminPassword());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisioningException(what + " was interrupted", e);
        }
        LOG.info("{} - Backed up the definitions of virtual host '{}' ({}) in {} ms", request.addonId(), vhost,
                counts(definitions), (System.nanoTime() - begin) / 1_000_000);
    }

    /** Makes the virtual host's definitions those {@link #backup} wrote; see the class comment. */
    static void restore(TenantRequest request, Binding binding, ServerAccess server, InputStream in) {
        String vhost = binding.require(RabbitMqCredentials.VHOST);
        String what = "Restore of " + request.addonId() + " (RabbitMQ virtual host '" + vhost + "' on "
                + server.endpoint() + ")";
        long begin = System.nanoTime();
        Map<String, Object> wanted;
        try {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new ProvisioningException(what + " failed: the backup is larger than " + MAX_BYTES
                        + " bytes; nothing was changed");
            }
            wanted = vhostScoped(parse(new String(bytes, StandardCharsets.UTF_8)));
            refuseWhatNoTenantMakes(what, wanted);
        } catch (IOException | IllegalArgumentException e) {
            throw new ProvisioningException(what + " failed: the backup is not a RabbitMQ definitions export ("
                    + e.getMessage() + "); nothing was changed", e);
        }
        ManagementApi api = ManagementApi.of(server, TIMEOUT);
        try {
            checkImports(api, what, wanted);
            Map<String, Object> before = vhostScoped(parse(export(api, vhost)));
            try {
                converge(api, vhost, wanted);
            } catch (IOException | RuntimeException e) {
                putBack(api, vhost, before, e);
                throw new ProvisioningException(what + " failed; the virtual host's definitions are back as they "
                        + "were, without the messages of queues the restore had deleted: " + e.getMessage(), e);
            }
        } catch (ProvisioningException e) {
            if (e.getMessage().startsWith(what)) {
                throw e;
            }
            throw RabbitMqTenants.failure(what, e, server.adminPassword());
        } catch (IOException | RuntimeException e) {
            throw RabbitMqTenants.failure(what, e, server.adminPassword());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisioningException(what + " was interrupted", e);
        }
        LOG.info("{} - Restored the definitions of virtual host '{}' ({}) in {} ms", request.addonId(), vhost,
                counts(wanted), (System.nanoTime() - begin) / 1_000_000);
    }

    /**
     * Policy keys a restore sets: they shape the virtual host's own queues and nothing beyond it.
     * The rest (federation, shovels, anything a plugin adds) would reach out of the virtual host
     * with the node's own rights.
     */
    private static final java.util.Set<String> QUEUE_POLICY_KEYS = java.util.Set.of("message-ttl", "expires",
            "max-length", "max-length-bytes", "overflow", "dead-letter-exchange", "dead-letter-routing-key",
            "dead-letter-strategy", "queue-mode", "queue-version", "queue-master-locator", "queue-leader-locator",
            "delivery-limit", "max-age", "stream-max-segment-size-bytes", "alternate-exchange",
            "ha-mode", "ha-params", "ha-sync-mode", "ha-promote-on-shutdown", "ha-promote-on-failure");

    /**
     * Refuses, before anything is touched, an archive holding what the tenant could never make
     * itself and the admin's import would make for it: its user has no tags, so it sets no policy
     * and no runtime parameter. Policies that only shape its queues (as an operator may have set,
     * see {@link #QUEUE_POLICY_KEYS}) are restored; runtime parameters (federation upstreams,
     * shovels: connections out of the virtual host as the node) and other policy keys are not.
     */
    static void refuseWhatNoTenantMakes(String what, Map<String, Object> wanted) {
        Object parameters = wanted.get("parameters");
        if (parameters instanceof List<?> list && !list.isEmpty()) {
            List<String> components = list.stream().map(item -> item instanceof Map<?, ?> map
                    ? printable(String.valueOf(map.get("component"))) : "?").distinct().toList();
            throw new ProvisioningException(what + " failed: the backup holds runtime parameters (components "
                    + components + "), which a restore does not make: they act with the node's rights beyond the"
                    + " virtual host. Allowed: queues, exchanges, bindings and policies of the keys "
                    + new java.util.TreeSet<>(QUEUE_POLICY_KEYS) + "; nothing was changed");
        }
        Object policies = wanted.get("policies");
        if (policies instanceof List<?> list) {
            for (Object item : list) {
                Object definition = item instanceof Map<?, ?> map ? map.get("definition") : null;
                if (!(definition instanceof Map<?, ?> keys)) {
                    continue;
                }
                for (Object key : keys.keySet()) {
                    if (!QUEUE_POLICY_KEYS.contains(String.valueOf(key))) {
                        throw new ProvisioningException(what + " failed: the backup's policy '"
                                + printable(String.valueOf(((Map<?, ?>) item).get("name"))) + "' sets '"
                                + printable(String.valueOf(key)) + "', which a restore does not set. Allowed keys: "
                                + new java.util.TreeSet<>(QUEUE_POLICY_KEYS) + "; nothing was changed");
                    }
                }
            }
        }
    }

    /** Text from an archive as it may be shown: control and format characters as {@code \\uXXXX}. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(c -> {
            int type = Character.getType(c);
            if (type == Character.CONTROL || type == Character.FORMAT) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    /** Whether the virtual host has any queue, exchange, binding, policy or parameter of its own. */
    static boolean hasData(TenantRequest request, Binding binding, ServerAccess server) {
        return counts(definitions(request, binding, server)).values().stream().anyMatch(n -> n > 0);
    }

    /** The numbers of queues, exchanges, bindings and policies of the virtual host. */
    static Map<String, String> summary(TenantRequest request, Binding binding, ServerAccess server) {
        Map<String, Integer> counts = counts(definitions(request, binding, server));
        Map<String, String> summary = new TreeMap<>();
        COUNTED.forEach(kind -> summary.put(kind, Integer.toString(counts.get(kind))));
        return summary;
    }

    private static Map<String, Object> definitions(TenantRequest request, Binding binding, ServerAccess server) {
        String vhost = binding.require(RabbitMqCredentials.VHOST);
        String what = "Reading the definitions of " + request.addonId() + " (RabbitMQ virtual host '" + vhost
                + "' on " + server.endpoint() + ")";
        try {
            return parse(export(ManagementApi.of(server, TIMEOUT), vhost));
        } catch (IOException | RuntimeException e) {
            throw RabbitMqTenants.failure(what, e, server.adminPassword());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisioningException(what + " was interrupted", e);
        }
    }

    /** Imports {@code wanted} into a scratch virtual host, deleted afterwards; throws when the node refuses it. */
    private static void checkImports(ManagementApi api, String what, Map<String, Object> wanted)
            throws IOException, InterruptedException {
        String scratch = "addons-restore-check-" + UUID.randomUUID();
        expectSuccess(api.put("/api/vhosts/" + encode(scratch), "{}"), "PUT /api/vhosts/" + scratch);
        try {
            ManagementApi.Response imported = api.post("/api/definitions/" + encode(scratch), Json.write(wanted));
            if (!imported.isSuccess()) {
                throw new ProvisioningException(what + " failed: this node does not import the backup (HTTP "
                        + imported.status() + ": " + imported.body().strip() + "); nothing was changed");
            }
        } finally {
            ManagementApi.Response deleted = api.delete("/api/vhosts/" + encode(scratch));
            if (!deleted.isSuccess()) {
                LOG.warn("Could not delete the scratch virtual host '{}': HTTP {}", scratch, deleted.status());
            }
        }
    }

    /** Deletes what {@code wanted} lacks or holds differently, imports it, and checks the result. */
    private static void converge(ManagementApi api, String vhost, Map<String, Object> wanted)
            throws IOException, InterruptedException {
        Map<String, Object> current = parse(export(api, vhost));
        String v = encode(vhost);
        Set<List<Object>> wantedBindings = identities("bindings", wanted);
        for (Map<String, Object> binding : listOfBindings(api, vhost)) {
            if (!"".equals(binding.get("source")) && !wantedBindings.contains(identity("bindings", binding))) {
                String kind = "queue".equals(binding.get("destination_type")) ? "q" : "e";
                deleteIfThere(api, "/api/bindings/" + v + "/e/" + encode((String) binding.get("source")) + "/" + kind
                        + "/" + encode((String) binding.get("destination")) + "/"
                        + encode(String.valueOf(binding.get("properties_key"))));
            }
        }
        for (String kind : List.of("policies", "parameters", "queues", "exchanges")) {
            List<Map<String, Object>> keep = items(wanted, kind);
            for (Map<String, Object> item : items(current, kind)) {
                if (!keep.contains(item)) {
                    deleteIfThere(api, switch (kind) {
                        case "policies" -> "/api/policies/" + v + "/" + encode(name(item));
                        case "parameters" -> "/api/parameters/" + encode(String.valueOf(item.get("component")))
                                + "/" + v + "/" + encode(name(item));
                        case "queues" -> "/api/queues/" + v + "/" + encode(name(item));
                        default -> "/api/exchanges/" + v + "/" + encode(name(item));
                    });
                }
            }
        }
        expectSuccess(api.post("/api/definitions/" + v, Json.write(wanted)), "POST /api/definitions/" + vhost);
        Map<String, Object> after = parse(export(api, vhost));
        for (String kind : KINDS) {
            Set<List<Object>> missing = new HashSet<>(identities(kind, wanted));
            missing.removeAll(identities(kind, after));
            Set<List<Object>> extra = new HashSet<>(identities(kind, after));
            extra.removeAll(identities(kind, wanted));
            if (!missing.isEmpty() || !extra.isEmpty()) {
                throw new IOException("after the import the virtual host's " + kind + " differ from the backup's: "
                        + "missing " + missing + ", not in the backup " + extra);
            }
        }
    }

    private static void putBack(ManagementApi api, String vhost, Map<String, Object> before, Exception failure) {
        try {
            converge(api, vhost, before);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
            throw new ProvisioningException("putting the virtual host's definitions back failed too ("
                    + e.getMessage() + ") after: " + failure.getMessage(), failure);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.addSuppressed(e);
        }
    }

    private static String export(ManagementApi api, String vhost) throws IOException, InterruptedException {
        ManagementApi.Response response = api.get("/api/definitions/" + encode(vhost));
        expectSuccess(response, "GET /api/definitions/" + vhost);
        return response.body();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> listOfBindings(ManagementApi api, String vhost)
            throws IOException, InterruptedException {
        ManagementApi.Response response = api.get("/api/bindings/" + encode(vhost));
        expectSuccess(response, "GET /api/bindings/" + vhost);
        Object bindings = Json.parse(response.body());
        if (!(bindings instanceof List<?> list) || !list.stream().allMatch(Map.class::isInstance)) {
            throw new IOException("GET /api/bindings/" + vhost + " answered no list of bindings");
        }
        return (List<Map<String, Object>>) bindings;
    }

    private static void deleteIfThere(ManagementApi api, String path) throws IOException, InterruptedException {
        ManagementApi.Response response = api.delete(path);
        if (response.status() != 404) {
            expectSuccess(response, "DELETE " + path);
        }
    }

    private static void expectSuccess(ManagementApi.Response response, String request) {
        if (!response.isSuccess()) {
            throw new ProvisioningException(request + " answered HTTP " + response.status() + ": "
                    + response.body().strip());
        }
    }

    /**
     * A definitions export: a JSON object whose {@link #KINDS} present are arrays of objects.
     * Throws {@link IllegalArgumentException} otherwise.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(String json) {
        if (!(Json.parse(json) instanceof Map<?, ?> object)) {
            throw new IllegalArgumentException("not a JSON object");
        }
        if (KINDS.stream().noneMatch(object::containsKey)) {
            throw new IllegalArgumentException("none of " + KINDS);
        }
        for (String kind : KINDS) {
            Object items = object.get(kind);
            if (items != null && !(items instanceof List<?> list && list.stream().allMatch(Map.class::isInstance))) {
                throw new IllegalArgumentException("'" + kind + "' is not a list of objects");
            }
        }
        return (Map<String, Object>) object;
    }

    /** Only what belongs to a virtual host: never users, permissions or other virtual hosts. */
    private static Map<String, Object> vhostScoped(Map<String, Object> definitions) {
        Map<String, Object> scoped = new LinkedHashMap<>();
        for (String kind : List.of("parameters", "policies", "queues", "exchanges", "bindings")) {
            scoped.put(kind, items(definitions, kind));
        }
        return scoped;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> items(Map<String, Object> definitions, String kind) {
        Object items = definitions.get(kind);
        return items == null ? List.of() : (List<Map<String, Object>>) items;
    }

    private static Map<String, Integer> counts(Map<String, Object> definitions) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String kind : List.of("queues", "exchanges", "bindings", "policies", "parameters")) {
            counts.put(kind, items(definitions, kind).size());
        }
        return counts;
    }

    private static Set<List<Object>> identities(String kind, Map<String, Object> definitions) {
        Set<List<Object>> identities = new HashSet<>();
        items(definitions, kind).forEach(item -> identities.add(identity(kind, item)));
        return identities;
    }

    /** What names an item of {@code kind} within its virtual host. */
    private static List<Object> identity(String kind, Map<String, Object> item) {
        return switch (kind) {
            case "bindings" -> Arrays.asList(item.get("source"), item.get("destination"),
                    item.get("destination_type"), item.get("routing_key"), item.get("arguments"));
            case "parameters" -> Arrays.asList(item.get("component"), item.get("name"));
            default -> Arrays.asList(item.get("name"));
        };
    }

    private static String name(Map<String, Object> item) {
        return String.valueOf(item.get("name"));
    }
}
