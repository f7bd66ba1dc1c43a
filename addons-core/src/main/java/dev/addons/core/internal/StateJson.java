package dev.addons.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.addons.api.AddonRecord;
import dev.addons.api.Endpoint;
import dev.addons.api.Status;
import dev.addons.core.BackupPolicy;
import dev.addons.core.runtime.RunningServer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The JSON trees of the state files' records, {@link AddonState} and {@link ServerState}, written
 * out field by field: Jackson's data binding builds its readers and writers of them by reflection
 * at their first use, 60-100 ms of every command's start, while the trees cost next to nothing.
 *
 * <p>The trees are the ones Jackson's binding made and read, field for field and in the same
 * order ({@code StateJsonTest} holds the two side by side): every record component, {@code null}
 * as {@code null}; times as ISO-8601 text; durations as decimal seconds with nine places; enums by
 * name; an {@link AddonState.Owner}'s {@code alive} too, which Jackson took for a property. A
 * reader is as lenient as Jackson's was: a missing or {@code null} field is {@code null}, or 0 or
 * {@code false} for a number or a flag; a scalar is read as the text, number or flag asked for
 * where it is one; a time may be epoch seconds and a duration ISO-8601 text; unknown fields are
 * ignored (the store carries them over). Anything else throws {@link IllegalArgumentException}
 * naming the field, never its value (a state file holds passwords). Stateless.
 */
final class StateJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final BigInteger NANOS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);

    private StateJson() {
    }

    static ObjectNode write(AddonState state) {
        ObjectNode tree = NODES.objectNode();
        tree.set("record", write(state.record()));
        tree.put("serverId", state.serverId());
        tree.set("binding", write(state.binding()));
        tree.set("owner", orNull(state.owner(), StateJson::write));
        tree.set("backups", orNull(state.backups(), StateJson::write));
        tree.set("migration", orNull(state.migration(), StateJson::write));
        tree.set("sleepAfter", write(state.sleepAfter()));
        tree.put("connections", state.connections());
        tree.set("failure", orNull(state.failure(), StateJson::write));
        return tree;
    }

    static AddonState addonState(JsonNode tree) {
        return new AddonState(
                addonRecord(object(tree, "record")),
                text(tree, "serverId"),
                strings(tree, "binding"),
                owner(object(tree, "owner")),
                backups(object(tree, "backups")),
                migration(object(tree, "migration")),
                duration(tree, "sleepAfter"),
                integerOrNull(tree, "connections"),
                failure(object(tree, "failure")));
    }

    static ObjectNode write(ServerState state) {
        ObjectNode tree = NODES.objectNode();
        tree.put("serverId", state.serverId());
        tree.put("engine", state.engine());
        tree.put("version", state.version());
        tree.put("runtime", state.runtime());
        tree.put("shared", state.shared());
        tree.put("adminUser", state.adminUser());
        tree.put("adminPassword", state.adminPassword());
        tree.set("running", orNull(state.running(), StateJson::write));
        tree.set("createdAt", write(state.createdAt()));
        tree.set("starter", orNull(state.starter(), StateJson::write));
        tree.put("throwaway", state.throwaway());
        ArrayNode crashes = tree.putArray("crashes");
        for (ServerState.Crash crash : state.crashes()) {
            ObjectNode element = crashes.addObject();
            element.set("at", write(crash.at()));
            element.put("reason", crash.reason());
        }
        tree.put("restarts", state.restarts());
        return tree;
    }

    static ServerState serverState(JsonNode tree) {
        List<ServerState.Crash> crashes = null;
        JsonNode list = tree.get("crashes");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw new IllegalArgumentException("its \"crashes\" is not a list");
            }
            crashes = new ArrayList<>();
            for (JsonNode crash : list) {
                if (!crash.isObject()) {
                    throw new IllegalArgumentException("an element of its \"crashes\" is not an object");
                }
                crashes.add(new ServerState.Crash(instant(crash, "at"), text(crash, "reason")));
            }
        }
        return new ServerState(
                text(tree, "serverId"),
                text(tree, "engine"),
                text(tree, "version"),
                text(tree, "runtime"),
                flag(tree, "shared"),
                text(tree, "adminUser"),
                text(tree, "adminPassword"),
                running(object(tree, "running")),
                instant(tree, "createdAt"),
                owner(object(tree, "starter")),
                flag(tree, "throwaway"),
                crashes,
                integer(tree, "restarts"));
    }

    /** {@code null} as JSON's null, else what {@code write} makes of it. */
    private static <T> JsonNode orNull(T value, Function<T, ObjectNode> write) {
        return value == null ? NODES.nullNode() : write.apply(value);
    }

    private static ObjectNode write(BackupPolicy backups) {
        ObjectNode tree = NODES.objectNode();
        tree.set("schedule", write(backups.schedule()));
        tree.put("keepLast", backups.keepLast());
        tree.set("maxAge", write(backups.maxAge()));
        tree.put("manualPerDay", backups.manualPerDay());
        return tree;
    }

    private static BackupPolicy backups(JsonNode tree) {
        return tree == null ? null : new BackupPolicy(duration(tree, "schedule"), integer(tree, "keepLast"),
                duration(tree, "maxAge"), integer(tree, "manualPerDay"));
    }

    private static ObjectNode write(AddonState.Migration migration) {
        ObjectNode tree = NODES.objectNode();
        tree.put("variant", migration.variant());
        tree.put("serverId", migration.serverId());
        tree.set("binding", write(migration.binding()));
        tree.set("owner", orNull(migration.owner(), StateJson::write));
        tree.put("switched", migration.switched());
        return tree;
    }

    private static AddonState.Migration migration(JsonNode tree) {
        return tree == null ? null : new AddonState.Migration(text(tree, "variant"), text(tree, "serverId"),
                strings(tree, "binding"), owner(object(tree, "owner")), flag(tree, "switched"));
    }

    private static ObjectNode write(AddonState.Failure failure) {
        ObjectNode tree = NODES.objectNode();
        tree.put("cause", failure.cause().name());
        tree.set("at", write(failure.at()));
        return tree;
    }

    private static AddonState.Failure failure(JsonNode tree) {
        return tree == null ? null : new AddonState.Failure(constant(AddonState.Cause.class, tree, "cause"),
                instant(tree, "at"));
    }

    private static ObjectNode write(RunningServer running) {
        ObjectNode tree = NODES.objectNode();
        tree.put("serverId", running.serverId());
        tree.put("runtime", running.runtime());
        tree.set("endpoint", write(running.endpoint()));
        tree.set("attributes", write(running.attributes()));
        ObjectNode extra = tree.putObject("extraEndpoints");
        running.extraEndpoints().forEach((name, endpoint) -> extra.set(name, write(endpoint)));
        return tree;
    }

    private static RunningServer running(JsonNode tree) {
        return tree == null ? null : new RunningServer(text(tree, "serverId"), text(tree, "runtime"),
                endpoint(object(tree, "endpoint")), strings(tree, "attributes"), endpoints(tree, "extraEndpoints"));
    }

    private static ObjectNode write(AddonRecord record) {
        ObjectNode tree = NODES.objectNode();
        tree.put("id", record.id());
        tree.put("app", record.app());
        tree.put("environment", record.environment());
        tree.put("addon", record.addon());
        tree.put("variant", record.variant());
        tree.put("version", record.version());
        tree.put("runtime", record.runtime());
        tree.put("status", record.status().name());
        tree.put("message", record.message());
        tree.set("createdAt", write(record.createdAt()));
        tree.set("updatedAt", write(record.updatedAt()));
        return tree;
    }

    private static AddonRecord addonRecord(JsonNode tree) {
        if (tree == null) {
            return null; // refused by AddonState
        }
        return new AddonRecord(text(tree, "id"), text(tree, "app"), text(tree, "environment"), text(tree, "addon"),
                text(tree, "variant"), text(tree, "version"), text(tree, "runtime"),
                constant(Status.class, tree, "status"), text(tree, "message"), instant(tree, "createdAt"),
                instant(tree, "updatedAt"));
    }

    private static ObjectNode write(AddonState.Owner owner) {
        ObjectNode tree = NODES.objectNode();
        tree.put("pid", owner.pid());
        tree.put("startedAt", owner.startedAt());
        tree.set("identity", orNull(owner.identity(), StateJson::write));
        // Jackson's binding took isAlive() for a property and wrote it; kept, so the files stay as they were.
        tree.put("alive", owner.isAlive());
        return tree;
    }

    private static ObjectNode write(ProcessIdentity identity) {
        ObjectNode tree = NODES.objectNode();
        tree.put("pid", identity.pid());
        tree.put("startTicks", identity.startTicks());
        tree.put("bootId", identity.bootId());
        return tree;
    }

    private static AddonState.Owner owner(JsonNode tree) {
        if (tree == null) {
            return null;
        }
        JsonNode identity = object(tree, "identity");
        return new AddonState.Owner(number(tree, "pid"), number(tree, "startedAt"), identity == null ? null
                : new ProcessIdentity(number(identity, "pid"), number(identity, "startTicks"),
                        text(identity, "bootId")));
    }

    private static ObjectNode write(Endpoint endpoint) {
        return NODES.objectNode().put("host", endpoint.host()).put("port", endpoint.port());
    }

    private static Endpoint endpoint(JsonNode tree) {
        return tree == null ? null : new Endpoint(text(tree, "host"), integer(tree, "port"));
    }

    private static Map<String, Endpoint> endpoints(JsonNode tree, String field) {
        JsonNode map = object(tree, field);
        if (map == null) {
            return null;
        }
        Map<String, Endpoint> out = new LinkedHashMap<>();
        map.properties().forEach(entry -> {
            if (!entry.getValue().isObject()) {
                throw new IllegalArgumentException("its \"" + field + "\" holds a value that is not an object");
            }
            out.put(entry.getKey(), endpoint(entry.getValue()));
        });
        return out;
    }

    private static ObjectNode write(Map<String, String> map) {
        ObjectNode tree = NODES.objectNode();
        map.forEach(tree::put);
        return tree;
    }

    private static Map<String, String> strings(JsonNode tree, String field) {
        JsonNode map = object(tree, field);
        if (map == null) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        map.properties().forEach(entry -> out.put(entry.getKey(), textOf(entry.getValue(), field)));
        return out;
    }

    private static JsonNode write(Instant instant) {
        return instant == null ? NODES.nullNode() : NODES.textNode(instant.toString());
    }

    private static Instant instant(JsonNode tree, String field) {
        return time(tree, field, "a time", Instant::ofEpochSecond, Instant::parse);
    }

    /** A duration as Jackson wrote it: its seconds, with nine decimal places. */
    private static JsonNode write(Duration duration) {
        if (duration == null) {
            return NODES.nullNode();
        }
        BigInteger nanos = BigInteger.valueOf(duration.getSeconds()).multiply(NANOS_PER_SECOND)
                .add(BigInteger.valueOf(duration.getNano()));
        return NODES.numberNode(new BigDecimal(nanos, 9));
    }

    private static Duration duration(JsonNode tree, String field) {
        return time(tree, field, "a duration", Duration::ofSeconds, Duration::parse);
    }

    /**
     * A time or duration: {@code ofSeconds} of a number of seconds (with a fraction), or
     * {@code parse} of ISO-8601 text; {@code null} when missing or null.
     */
    private static <T> T time(JsonNode tree, String field, String kind, BiFunction<Long, Long, T> ofSeconds,
            Function<String, T> parse) {
        JsonNode node = tree.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            if (node.isNumber()) {
                BigDecimal seconds = node.decimalValue();
                return ofSeconds.apply(seconds.longValue(), nanos(seconds));
            }
            if (node.isTextual()) {
                return parse.apply(node.textValue().strip());
            }
        } catch (RuntimeException e) {
            // Not the message: it quotes the value.
        }
        throw new IllegalArgumentException("its \"" + field + "\" is not " + kind);
    }

    /** The nanoseconds beyond {@code seconds}' whole seconds, towards zero like its long value. */
    private static long nanos(BigDecimal seconds) {
        return seconds.subtract(new BigDecimal(seconds.toBigInteger())).movePointRight(9).longValue();
    }

    /** The object in {@code field}, or null when it is missing or null. */
    private static JsonNode object(JsonNode tree, String field) {
        JsonNode node = tree.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("its \"" + field + "\" is not an object");
        }
        return node;
    }

    private static String text(JsonNode tree, String field) {
        return textOf(tree.get(field), field);
    }

    /** {@code node}, the value of {@code field}, as text. */
    private static String textOf(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isValueNode()) {
            throw new IllegalArgumentException("its \"" + field + "\" is not text");
        }
        return node.asText();
    }

    private static long number(JsonNode tree, String field) {
        JsonNode node = tree.get(field);
        if (node == null || node.isNull()) {
            return 0;
        }
        if (node.isNumber()) {
            return node.longValue();
        }
        if (node.isTextual()) {
            try {
                return Long.parseLong(node.textValue().strip());
            } catch (NumberFormatException e) {
                // below
            }
        }
        throw new IllegalArgumentException("its \"" + field + "\" is not a whole number");
    }

    private static int integer(JsonNode tree, String field) {
        long value = number(tree, field);
        if (value != (int) value) {
            throw new IllegalArgumentException("its \"" + field + "\" is out of range");
        }
        return (int) value;
    }

    private static Integer integerOrNull(JsonNode tree, String field) {
        JsonNode node = tree.get(field);
        return node == null || node.isNull() ? null : integer(tree, field);
    }

    private static boolean flag(JsonNode tree, String field) {
        JsonNode node = tree.get(field);
        if (node == null || node.isNull()) {
            return false;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            return node.longValue() != 0;
        }
        if (node.isTextual() && (node.textValue().equals("true") || node.textValue().equals("false"))) {
            return Boolean.parseBoolean(node.textValue());
        }
        throw new IllegalArgumentException("its \"" + field + "\" is not true or false");
    }

    private static <E extends Enum<E>> E constant(Class<E> type, JsonNode tree, String field) {
        String name = text(tree, field);
        if (name == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("its \"" + field + "\" is none of " + java.util.Arrays.toString(
                    type.getEnumConstants()), e);
        }
    }
}
