package dev.addons.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.addons.api.AddonRecord;
import dev.addons.api.Endpoint;
import dev.addons.api.Status;
import dev.addons.core.BackupPolicy;
import dev.addons.core.runtime.RunningServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link StateJson} against Jackson's data binding as the state store used it before (the same
 * mapper, set up the same way): the same trees, written the same way, for full and sparse
 * records, and the same records read back, also from the lenient forms Jackson read.
 */
class StateJsonTest {
    /** The state store's mapper as it was, binding records by reflection. */
    private static final ObjectMapper JACKSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .configure(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

    private static final Instant CREATED = Instant.parse("2026-12-07T23:26:16.821481652Z");
    private static final Instant UPDATED = Instant.parse("2026-12-07T23:26:17Z");
    private static final AddonRecord RECORD = new AddonRecord("postgresql-shop-production-iwmocs", "shop",
            "production", "postgresql", "shared", "15", "process", Status.FAILED, "it went \"wrong\"", CREATED,
            UPDATED);
    /** This JVM: an owner that is alive. */
    private static final AddonState.Owner ALIVE = AddonState.Owner.current();
    /** An owner that is gone: no process has pid 1 and started at the epoch. */
    private static final AddonState.Owner GONE = new AddonState.Owner(1, 1, null);

    static List<AddonState> addonStates() {
        return List.of(
                new AddonState(RECORD, "postgresql-shared-1", Map.of("user", "shop", "password", "s3cret"), ALIVE,
                        new BackupPolicy(Duration.ofHours(6), 3, Duration.ofDays(30).plusNanos(5), 10),
                        new AddonState.Migration("small", "postgresql-shop-2", Map.of("user", "shop2"), GONE, true),
                        Duration.ofMinutes(15).plusMillis(250), 7, new AddonState.Failure(AddonState.Cause.DESTROY,
                        UPDATED)),
                new AddonState(RECORD.withStatus(Status.ACTIVE, null, UPDATED), null, Map.of(), null, null, null,
                        null, null, null),
                new AddonState(RECORD, "s", Map.of(), GONE, BackupPolicy.DEFAULT,
                        new AddonState.Migration("shared", null, Map.of(), null, false), Duration.ofSeconds(-1, 1), 0,
                        null));
    }

    static List<ServerState> serverStates() {
        RunningServer running = new RunningServer("postgresql-shared-1", "process", new Endpoint("127.0.0.1", 22623),
                Map.of("pid", "20465", "directory", "/tmp/h/servers/x"), Map.of("dist", new Endpoint("::1", 25672)));
        return List.of(
                new ServerState("postgresql-shared-1", "postgresql", "15", "process", true, "postgres", "s3cret",
                        running, CREATED, ALIVE, true, List.of(new ServerState.Crash(CREATED, "exit 1"),
                        new ServerState.Crash(UPDATED, "killed")), 3),
                new ServerState("valkey-1", "valkey", "8", "container", false, "default", "", null, UPDATED, null,
                        false),
                new ServerState("m", "memcached", "1", "process", false, "admin", "p", new RunningServer("m",
                        "process", new Endpoint("localhost", 1), Map.of()), CREATED, GONE, false, List.of(), 0));
    }

    @Test
    void writesTheTreesJacksonWroteFieldForFieldAndInOrder() throws Exception {
        for (AddonState state : addonStates()) {
            assertThat(JACKSON.writeValueAsString(StateJson.write(state)))
                    .isEqualTo(JACKSON.writeValueAsString(JACKSON.valueToTree(state)));
        }
        for (ServerState state : serverStates()) {
            assertThat(JACKSON.writeValueAsString(StateJson.write(state)))
                    .isEqualTo(JACKSON.writeValueAsString(JACKSON.valueToTree(state)));
        }
    }

    @Test
    void readsBackWhatItWroteAsJacksonDid() throws Exception {
        for (AddonState state : addonStates()) {
            ObjectNode tree = StateJson.write(state);
            assertThat(StateJson.addonState(tree)).isEqualTo(state)
                    .isEqualTo(JACKSON.treeToValue(tree, AddonState.class));
        }
        for (ServerState state : serverStates()) {
            ObjectNode tree = StateJson.write(state);
            assertThat(StateJson.serverState(tree)).isEqualTo(state)
                    .isEqualTo(JACKSON.treeToValue(tree, ServerState.class));
        }
    }

    @Test
    void readsTheLenientFormsJacksonReadAsItDid() throws Exception {
        JsonNode addon = JACKSON.readTree("""
                {"record": {"id": "i", "app": "a", "environment": "e", "addon": "postgresql", "variant": "small",
                    "version": 15, "runtime": "process", "status": "ACTIVE", "createdAt": 1765000000.5,
                    "updatedAt": 1765000001, "unknown": [1]},
                 "binding": {"port": 5432, "user": "u"}, "serverId": null,
                 "owner": {"pid": "42", "startedAt": 7, "alive": true, "identity": null},
                 "backups": {"schedule": "PT6H", "keepLast": "3", "maxAge": 2592000, "manualPerDay": 10},
                 "migration": {"variant": "shared", "binding": {}, "switched": 1},
                 "sleepAfter": 900.000000001, "connections": "20", "futureField": {"a": 1}}""");
        assertThat(StateJson.addonState(addon)).isEqualTo(JACKSON.treeToValue(addon, AddonState.class));

        JsonNode server = JACKSON.readTree("""
                {"serverId": "s", "engine": "valkey", "version": 8, "runtime": "process", "adminUser": "default",
                 "adminPassword": "p", "createdAt": "2026-12-07T23:26:16Z", "throwaway": "true", "crashes": null,
                 "running": {"serverId": "s", "runtime": "process", "endpoint": {"host": "127.0.0.1", "port": "6379"},
                     "attributes": {}}}""");
        assertThat(StateJson.serverState(server)).isEqualTo(JACKSON.treeToValue(server, ServerState.class));
    }

    @Test
    void whatItCannotReadIsRefusedNamingTheFieldButNeverItsValue() throws Exception {
        JsonNode addon = JACKSON.readTree("""
                {"record": {"id": "i", "app": "a", "environment": "e", "addon": "postgresql", "variant": "small",
                    "version": "15", "runtime": "process", "status": "ACTIVE", "createdAt": "s3cret-time",
                    "updatedAt": "2026-12-07T23:26:16Z"}, "binding": {}}""");
        assertThatThrownBy(() -> StateJson.addonState(addon)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("its \"createdAt\" is not a time");

        JsonNode server = JACKSON.readTree("""
                {"serverId": "s", "engine": "valkey", "version": "8", "runtime": "process", "adminUser": "default",
                 "adminPassword": {"s3cret": 1}, "createdAt": "2026-12-07T23:26:16Z"}""");
        assertThatThrownBy(() -> StateJson.serverState(server)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("its \"adminPassword\" is not text");

        JsonNode status = JACKSON.readTree("""
                {"record": {"id": "i", "app": "a", "environment": "e", "addon": "postgresql", "variant": "small",
                    "version": "15", "runtime": "process", "status": "ASLEEP_FOREVER",
                    "createdAt": "2026-12-07T23:26:16Z", "updatedAt": "2026-12-07T23:26:16Z"}, "binding": {}}""");
        assertThatThrownBy(() -> StateJson.addonState(status)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("its \"status\" is none of [");
    }
}
