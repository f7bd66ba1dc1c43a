package dev.addons.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.addons.api.AddonRecord;
import dev.addons.api.Status;
import dev.addons.core.internal.StateStore;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * State written by earlier versions is read by this one: the sample homes under
 * {@code src/test/resources/homes/format-N} (made by {@link StateFixturesGenerator}) are opened
 * with the current code; a newer format is refused; fields this version does not know survive.
 */
class StateFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    @ParameterizedTest(name = "format {0}")
    @ValueSource(ints = {0, 1})
    void aSampleHomeOfEachFormatOpensWithWhatItHolds(int format) throws Exception {
        copyFixture(format);

        try (Addons addons = open()) {
            assertThat(addons.listAll()).extracting(r -> r.app() + "/" + r.environment() + " " + r.addon() + " "
                    + r.variant() + " " + r.version() + " " + r.status()).containsExactlyInAnyOrder(
                            "blog/staging fakedb shared external ACTIVE",
                            "failing/production fakedb small 2 FAILED",
                            "idle/production fakedb small 1 STOPPED",
                            "nap/production fakedb small 2 SLEEPING",
                            "shop/production fakecache small 2 ACTIVE",
                            "shop/production fakedb small 2 ACTIVE");
            assertThat(addons.servers()).singleElement().satisfies(server -> {
                assertThat(server.name()).isEqualTo("central");
                assertThat(server.endpoint().port()).isEqualTo(15432);
                assertThat(server.tenants()).hasSize(1);
            });
            assertThat(addons.app("shop", "production").backups()).singleElement().satisfies(backup -> {
                assertThat(backup.trigger()).isEqualTo("manual");
                assertThat(backup.addon()).isEqualTo("fakedb");
            });
            assertThat(addons.app("shop", "production").backupPolicy("fakedb").keepLast()).isEqualTo(3);
            assertThat(addons.app("blog", "staging").connectionLimit("fakedb")).as("written before it could be chosen")
                    .isEqualTo(java.util.OptionalInt.of(dev.addons.api.AddonSpec.DEFAULT_CONNECTIONS));
            assertThat(addons.app("shop", "production").connectionLimit("fakedb")).as("dedicated").isEmpty();
            assertThat(addons.app("shop", "production").history("fakedb")).isEqualTo(ServerHistory.NONE);
            assertThat(addons.app("shop", "production").credentials("fakedb").get("FAKE_USER")).contains("shop");
        }
    }

    @Test
    void theCommittedSampleOfThisVersionIsInTheFormatItWrites() throws Exception {
        copyFixture(StateStore.FORMAT);
        for (Path file : stateFiles()) {
            assertThat(JSON.readTree(file.toFile()).path("format").asInt(-1)).as(file.toString())
                    .isEqualTo(StateStore.FORMAT);
        }
    }

    @Test
    void aFormatZeroFileIsReadAndWrittenInTheCurrentFormatByItsNextSave() throws Exception {
        copyFixture(0);
        Path shop = addonFile("fakedb-shop-");
        Path idle = addonFile("fakedb-idle-");
        ObjectNode before = read(shop);
        assertThat(before.has("format")).isFalse();

        try (Addons addons = open()) {
            addons.app("shop", "production").backupPolicy("fakedb", BackupPolicy.DEFAULT.withKeepLast(5));
        }

        ObjectNode after = read(shop);
        assertThat(after.get("format").asInt()).isEqualTo(StateStore.FORMAT);
        assertThat(after.get("backups").get("keepLast").asInt()).isEqualTo(5);
        assertThat(after.get("binding")).isEqualTo(before.get("binding"));
        assertThat(after.get("record").get("createdAt")).isEqualTo(before.get("record").get("createdAt"));
        assertThat(read(idle).has("format")).as("a file not saved is left as it was").isFalse();
    }

    @Test
    void aHomeWithAFileOfANewerFormatIsRefusedAndTheFileIsLeftAsItWas() throws Exception {
        copyFixture(StateStore.FORMAT);
        Path shop = addonFile("fakedb-shop-");
        ObjectNode newer = read(shop);
        newer.put("format", StateStore.FORMAT + 1);
        newer.put("somethingNew", "kept");
        Files.writeString(shop, newer.toPrettyString());
        byte[] written = Files.readAllBytes(shop);

        assertThatThrownBy(() -> Addons.builder().home(home).runtime(new FakeRuntime()).build()).isInstanceOfSatisfying(StateFormatException.class, e -> {
            assertThat(e.file()).isEqualTo(shop);
            assertThat(e.format()).isEqualTo(StateStore.FORMAT + 1);
            assertThat(e.newestReadable()).isEqualTo(StateStore.FORMAT);
        }).hasMessage("State file " + shop + " is in format " + (StateStore.FORMAT + 1) + "; this version of addons"
                + " reads state formats up to " + StateStore.FORMAT + ". This home was written by a newer addons: use"
                + " that version or newer with it.");

        StateStore store = new StateStore(home);
        var idle = store.find("idle", "production", "fakedb").orElseThrow();
        String shopId = shop.getFileName().toString().replace(".json", "");
        var overwrite = new dev.addons.core.internal.AddonState(new AddonRecord(shopId, "shop", "production",
                "fakedb", "small", "2", "process", Status.ACTIVE, "", Instant.now(), Instant.now()),
                idle.serverId(), idle.binding(), null);
        assertThatThrownBy(() -> store.save(overwrite)).isInstanceOf(StateFormatException.class);
        assertThat(Files.readAllBytes(shop)).as("never written over").isEqualTo(written);
    }

    @Test
    void fieldsThisVersionDoesNotKnowSurviveASave() throws Exception {
        copyFixture(StateStore.FORMAT);
        Path shop = addonFile("fakedb-shop-");
        ObjectNode future = read(shop);
        future.putObject("replicas").put("count", 2);
        ((ObjectNode) future.get("record")).put("labels", "tier=gold");
        ((ObjectNode) future.get("backups")).put("encryptWith", "key-1");
        Files.writeString(shop, future.toPrettyString());
        Path central = home.resolve("state/servers/external-central.json");
        ObjectNode server = read(central);
        ((ObjectNode) server.get("running")).put("tls", true);
        Files.writeString(central, server.toPrettyString());

        try (Addons addons = open()) {
            addons.app("shop", "production").backupPolicy("fakedb", BackupPolicy.DEFAULT.withKeepLast(7));
        }
        StateStore store = new StateStore(home);
        store.save(store.server("external-central").orElseThrow().withCrash(Instant.now(), "test"));

        ObjectNode after = read(shop);
        assertThat(after.get("backups").get("keepLast").asInt()).isEqualTo(7);
        assertThat(after.get("replicas").get("count").asInt()).isEqualTo(2);
        assertThat(after.get("record").get("labels").asText()).isEqualTo("tier=gold");
        assertThat(after.get("backups").get("encryptWith").asText()).isEqualTo("key-1");
        ObjectNode serverAfter = read(central);
        assertThat(serverAfter.get("running").get("tls").asBoolean()).isTrue();
        assertThat(serverAfter.get("crashes")).hasSize(1);
    }

    @Test
    void aBindingKeyRemovedBySaveStaysRemoved() throws Exception {
        copyFixture(StateStore.FORMAT);
        StateStore store = new StateStore(home);
        var shop = store.find("shop", "production", "fakedb").orElseThrow();

        store.save(shop.withBinding(java.util.Map.of("user", "shop")));

        assertThat(store.find("shop", "production", "fakedb").orElseThrow().binding()).containsOnlyKeys("user");
    }

    /** Opens the home with its servers "running" in the runtime double, as if they had been left up. */
    private Addons open() {
        FakeRuntime runtime = new FakeRuntime();
        StateStore store = new StateStore(home);
        // The servers of stopped and sleeping addons are down, as they would be: a reconcile that
        // found one running would take the addon for active again.
        java.util.Set<String> down = store.addons().stream().filter(a -> a.record().status() == Status.STOPPED
                || a.record().status() == Status.SLEEPING).map(a -> a.serverId()).collect(java.util.stream.Collectors
                .toSet());
        store.servers().stream().filter(s -> s.running() != null && s.runtime().equals("process")
                && !down.contains(s.serverId())).forEach(s -> runtime.running.put(s.serverId(), s.running()));
        return Addons.builder().home(home).runtime(runtime).automaticBackups(false).build();
    }

    private void copyFixture(int format) throws IOException, URISyntaxException {
        Path fixture = Path.of(StateFormatTest.class.getResource("/homes/format-" + format).toURI());
        try (Stream<Path> files = Files.walk(fixture)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = home.resolve(fixture.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target);
            }
        }
    }

    private List<Path> stateFiles() throws IOException {
        try (Stream<Path> files = Files.walk(home.resolve("state"))) {
            return files.filter(p -> p.toString().endsWith(".json")).toList();
        }
    }

    private Path addonFile(String prefix) throws IOException {
        try (Stream<Path> files = Files.list(home.resolve("state/addons"))) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst().orElseThrow();
        }
    }

    private static ObjectNode read(Path file) throws IOException {
        return (ObjectNode) JSON.readTree(file.toFile());
    }
}
