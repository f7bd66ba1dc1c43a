package dev.addons.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonNotFoundException;
import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.Credentials;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.ProvisioningException;
import dev.addons.api.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AddonsLifecycleTest {
    @TempDir
    Path home;

    FakeRuntime runtime = new FakeRuntime();
    List<String> transitions = Collections.synchronizedList(new ArrayList<>());
    Addons addons;

    @BeforeEach
    void open() {
        addons = Addons.builder().home(home).runtime(runtime)
                .listener((record, from) -> transitions.add(record.app() + ":" + from + "->" + record.status()))
                .build();
    }

    @AfterEach
    void close() {
        addons.close();
    }

    @Test
    void createGoesFromPendingThroughProvisioningToActive() {
        AddonRecord record = addons.app("myapp", "production").create(AddonSpec.of("fakedb"));

        assertThat(record.status()).isEqualTo(Status.ACTIVE);
        assertThat(record.variant()).isEqualTo("small");
        assertThat(record.version()).isEqualTo("2");
        assertThat(transitions).containsExactly("myapp:null->PENDING", "myapp:PENDING->PROVISIONING",
                "myapp:PROVISIONING->ACTIVE");
        assertThat(addons.app("myapp", "production").env().get("FAKE_USER")).contains("myapp");
    }

    @Test
    void aServerWhoseStartWasInterruptedIsForgottenAndTheRuntimesSweepItsLeftovers() {
        dev.addons.core.internal.StateStore store = new dev.addons.core.internal.StateStore(home);
        store.save(new dev.addons.core.internal.ServerState("fakedb-crashed", "fakedb", "2", "process", false,
                "admin", "pw", null, java.time.Instant.now(), new dev.addons.core.internal.AddonState.Owner(
                        Integer.MAX_VALUE - 1, 1), false));
        store.save(new dev.addons.core.internal.ServerState("fakedb-starting", "fakedb", "2", "process", false,
                "admin", "pw", null, java.time.Instant.now(), dev.addons.core.internal.AddonState.Owner.current(),
                false));
        runtime.held.addAll(List.of("fakedb-starting", "fakedb-crashed", "fakedb-lost"));

        int changed = addons.reconcile();

        assertThat(store.server("fakedb-crashed")).isEmpty();
        assertThat(store.server("fakedb-starting")).as("its starter is alive").isPresent();
        assertThat(runtime.held).as("what the runtime still holds").containsExactly("fakedb-starting");
        assertThat(changed).as("one record forgotten, two strays removed").isEqualTo(3);
    }

    @Test
    void destroyAllTakesEachServerWholeAndDeprovisionsOnlyTenantsOfRegisteredServers() {
        addons.app("one", "production").create(AddonSpec.parse("fakedb:shared"));
        addons.app("two", "production").create(AddonSpec.parse("fakedb:shared"));
        addons.app("three", "production").create(AddonSpec.of("fakedb"));
        addons.registerServer("central", "fakedb", "fakedb://admin:central-pw@127.0.0.1:15432");
        addons.app("four", "production").create(AddonSpec.of("fakedb").withVariant("shared").withServer("central"));
        java.util.concurrent.atomic.AtomicInteger deprovisions = new java.util.concurrent.atomic.AtomicInteger();
        FakeProvider.beforeDeprovision = deprovisions::incrementAndGet;
        transitions.clear();
        List<AddonRecord> destroyed;
        try {
            destroyed = addons.destroyAll();
        } finally {
            FakeProvider.beforeDeprovision = () -> { };
        }

        assertThat(destroyed).extracting(AddonRecord::app).containsExactlyInAnyOrder("one", "two", "three", "four");
        assertThat(destroyed).extracting(AddonRecord::status).containsOnly(Status.DESTROYED);
        assertThat(addons.listAll()).isEmpty();
        assertThat(runtime.running).as("the shared and the dedicated server").isEmpty();
        assertThat(runtime.destroys).hasValue(2);
        assertThat(deprovisions).as("only the registered server's tenant, which outlives the home").hasValue(1);
        assertThat(addons.servers()).extracting(ServerInfo::name).containsExactly("central");
        for (String app : List.of("one", "two", "three", "four")) {
            assertThat(transitions).containsSubsequence(app + ":ACTIVE->DEPROVISIONING",
                    app + ":DEPROVISIONING->DESTROYED");
        }
    }

    @Test
    void anAliasNamesTheSameAddon() {
        addons.app("myapp", "production").create(AddonSpec.of("fake"));

        assertThat(addons.app("myapp", "production").list()).extracting(AddonRecord::addon).containsExactly("fakedb");
        assertThat(addons.app("myapp", "production").destroy("fake").status()).isEqualTo(Status.DESTROYED);
    }

    @Test
    void tenantsOfOneSharedServerAreRemovedAtOnceNotInTurn() throws Exception {
        addons.app("keeper", "production").create(AddonSpec.parse("fakedb:shared"));
        addons.app("app1", "production").create(AddonSpec.parse("fakedb:shared"));
        addons.app("app2", "production").create(AddonSpec.parse("fakedb:shared"));
        java.util.concurrent.CountDownLatch bothIn = new java.util.concurrent.CountDownLatch(2);
        java.util.concurrent.atomic.AtomicInteger inAtOnce = new java.util.concurrent.atomic.AtomicInteger();
        FakeProvider.beforeDeprovision = () -> {
            bothIn.countDown();
            try {
                // Each waits (boundedly) for the other: only drops that run at once both see it.
                if (bothIn.await(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    inAtOnce.incrementAndGet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try {
            CompletableFuture<AddonRecord> one = CompletableFuture.supplyAsync(
                    () -> addons.app("app1", "production").destroy("fakedb", FinalBackup.SKIP));
            CompletableFuture<AddonRecord> two = CompletableFuture.supplyAsync(
                    () -> addons.app("app2", "production").destroy("fakedb", FinalBackup.SKIP));
            assertThat(one.get(60, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(Status.DESTROYED);
            assertThat(two.get(60, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(Status.DESTROYED);
        } finally {
            FakeProvider.beforeDeprovision = () -> { };
        }

        assertThat(inAtOnce).hasValue(2);
        assertThat(FakeRuntime.tenants("fakedb-shared-2")).containsOnlyKeys("keeper");
        assertThat(runtime.running).containsKey("fakedb-shared-2");
        addons.app("keeper", "production").destroy("fakedb", FinalBackup.SKIP);
        assertThat(runtime.running).isEmpty();
    }

    @Test
    void sharedAddonsOfTwoAppsLiveOnOneServerThatGoesWithTheLastTenant() {
        addons.app("app1", "production").create(AddonSpec.parse("fakedb:shared"));
        addons.app("app2", "production").create(AddonSpec.parse("fakedb:shared"));

        assertThat(runtime.starts).hasValue(1);
        assertThat(FakeRuntime.tenants("fakedb-shared-2")).containsOnlyKeys("app1", "app2");
        Credentials one = addons.app("app1", "production").env();
        Credentials two = addons.app("app2", "production").env();
        assertThat(one.get("FAKE_PORT")).isEqualTo(two.get("FAKE_PORT"));
        assertThat(one.get("FAKE_URL")).isNotEqualTo(two.get("FAKE_URL"));

        addons.app("app1", "production").destroy("fakedb");
        assertThat(runtime.running).containsKey("fakedb-shared-2");
        assertThat(FakeRuntime.tenants("fakedb-shared-2")).containsOnlyKeys("app2");

        addons.app("app2", "production").destroy("fakedb");
        assertThat(runtime.running).isEmpty();
    }

    @Test
    void stagingAndProductionGetDifferentServersAndValues() {
        addons.app("myapp", "production").create(AddonSpec.of("fakedb"));
        addons.app("myapp", "staging").create(AddonSpec.of("fakedb"));

        Credentials production = addons.app("myapp", "production").env();
        Credentials staging = addons.app("myapp", "staging").env();
        assertThat(production.get("FAKE_PORT")).isNotEqualTo(staging.get("FAKE_PORT"));
        assertThat(staging.get("FAKE_USER")).contains("myapp__staging");
        assertThat(addons.app("myapp", "staging").list()).hasSize(1);
    }

    @Test
    void concurrentCreatesOfOneAddonMakeExactlyOneServer() {
        List<CompletableFuture<AddonRecord>> futures = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            futures.add(addons.app("myapp", "production").createAsync(AddonSpec.of("fakedb")));
        }

        List<String> ids = futures.stream().map(CompletableFuture::join).map(AddonRecord::id).distinct().toList();
        assertThat(ids).hasSize(1);
        assertThat(runtime.starts).hasValue(1);
    }

    @Test
    void aFailedProvisionLeavesNoServerAndTheReasonAndCanBeRetried() {
        assertThatThrownBy(() -> addons.app("failing", "production").create(AddonSpec.of("fakedb")))
                .isInstanceOf(ProvisioningException.class)
                .hasMessageContaining("refused by the fake server");

        assertThat(runtime.running).isEmpty();
        AddonRecord failed = addons.app("failing", "production").list().get(0);
        assertThat(failed.status()).isEqualTo(Status.FAILED);
        assertThat(failed.message()).contains("refused by the fake server");
        assertThat(transitions).endsWith("failing:PROVISIONING->FAILED");

        assertThatThrownBy(() -> addons.app("failing", "production").create(AddonSpec.of("fakedb")))
                .isInstanceOf(ProvisioningException.class);
        assertThat(runtime.running).isEmpty();
        addons.app("failing", "production").destroy("fakedb");
        assertThat(addons.app("failing", "production").list()).isEmpty();
    }

    @Test
    void badSpecsAreRefusedBeforeAnythingIsRecorded() throws IOException {
        assertThatThrownBy(() -> addons.app("myapp", "production").create(AddonSpec.of("valkey")))
                .isInstanceOf(AddonNotFoundException.class)
                .hasMessage("No addon provider named 'valkey'. Found: [fakecache, fakedb]. Add dev.addons:addons-redis.");
        assertThatThrownBy(() -> addons.app("myapp", "production").create(AddonSpec.parse("fakedb:huge")))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("fakedb has no variant 'huge'. Variants: [small, shared]");
        assertThatThrownBy(() -> addons.app("myapp", "production").create(AddonSpec.of("fakedb").withVersion("99")))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("fakedb version '99' is not supported. Supported: [1, 2] (default 2), or a full image"
                        + " reference containing ':'");
        assertThatThrownBy(() -> addons.app("myapp", "production").create(
                AddonSpec.of("fakedb").withVersion("registry.example.com/custom:1")))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("cannot run on the process runtime: custom images need the container runtime");
        assertThatThrownBy(() -> addons.app("My App", "production").create(AddonSpec.of("fakedb")))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("app name 'My App' is invalid: use 1-40 lower-case letters, digits and single '-',"
                        + " starting with a letter");
        assertThatThrownBy(() -> addons.app("myapp", "../etc").create(AddonSpec.of("fakedb")))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageStartingWith("environment '../etc' is invalid");

        assertThat(addons.listAll()).isEmpty();
        assertThat(runtime.starts).hasValue(0);
        try (Stream<Path> files = Files.list(home.resolve("state/addons"))) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aNewAddonDeclaredWithoutAVersionSaysInItsPendingRecordWhichItGotAndWhy() {
        List<String> messages = Collections.synchronizedList(new ArrayList<>());
        try (Subscription listening = addons.onTransition((record, from) -> messages.add(record.message()))) {
            addons.app("myapp", "production").create(AddonSpec.of("fakedb"));
        }

        assertThat(messages.get(0)).isEqualTo("no version asked; 2 is fakedb's default");
        assertThat(addons.app("myapp", "production").list().get(0).message()).isEmpty();
    }

    @Test
    void noVersionAskedOfAnExistingAddonMeansTheVersionItHasNotTheDefault() {
        addons.app("myapp", "production").create(AddonSpec.of("fakedb").withVersion("1"));

        assertThat(addons.app("myapp", "production").create(AddonSpec.of("fakedb")).version()).isEqualTo("1");
        AppFile file = AppFile.parse("name = \"myapp\"\n[addons.fakedb]\n", "addons.toml");
        assertThat(addons.deploy(file, "production").active()).extracting(AddonRecord::version).containsExactly("1");
        assertThatThrownBy(() -> addons.app("myapp", "production").create(AddonSpec.of("fakedb").withVersion("2")))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageStartingWith("fakedb of myapp/production exists as small 1, not small 2");
    }

    @Test
    void changingTheVariantOfAnExistingAddonIsRefusedPointingAtMigrateWhichKeepsItsData() {
        addons.app("myapp", "production").create(AddonSpec.of("fakedb"));

        assertThatThrownBy(() -> addons.app("myapp", "production").create(AddonSpec.parse("fakedb:shared")))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("fakedb of myapp/production exists as small 2, not shared 2: move it with its data by"
                        + " 'addons migrate fakedb -a myapp --env production --to shared'");
    }

    @Test
    void destroyingWhatDoesNotExistSaysWhatTheAppHas() {
        assertThatThrownBy(() -> addons.app("myapp", "production").destroy("fakedb"))
                .isInstanceOf(AddonNotFoundException.class)
                .hasMessage("App 'myapp' has no addon 'fakedb' in production. It has: []");
    }

    @Test
    void deployProvisionsDeclaredAddonsAndRemovesUndeclaredOnes() {
        AppFile file = AppFile.parse("name = \"web\"\n[addons.fakedb]\nvariant = \"shared\"\n", "addons.toml");
        DeployResult first = addons.deploy(file, "production");
        assertThat(first.active()).extracting(AddonRecord::status).containsExactly(Status.ACTIVE);

        DeployResult again = addons.deploy(file, "production");
        assertThat(again.active()).extracting(AddonRecord::id).isEqualTo(first.active().stream().map(AddonRecord::id).toList());
        assertThat(runtime.starts).hasValue(1);

        DeployResult emptied = addons.deploy(AppFile.parse("name = \"web\"\n", "addons.toml"), "production");
        assertThat(emptied.destroyed()).extracting(AddonRecord::addon).containsExactly("fakedb");
        assertThat(addons.app("web", "production").list()).isEmpty();
        assertThat(runtime.running).isEmpty();
    }

    @Test
    void deployChecksEveryAddonBeforeProvisioningAny() {
        AppFile file = AppFile.parse("name = \"web\"\n[addons.fakedb]\n[addons.valkey]\n", "addons.toml");

        assertThatThrownBy(() -> addons.deploy(file, "production"))
                .isInstanceOf(AddonNotFoundException.class)
                .hasMessageContaining("No addon provider named 'valkey'");
        assertThat(addons.listAll()).isEmpty();
        assertThat(runtime.starts).hasValue(0);
    }

    @Test
    void anotherInstanceOnTheSameHomeSeesAndDestroysWhatTheFirstCreated() {
        addons.app("myapp", "production").create(AddonSpec.of("fakedb"));

        try (Addons other = Addons.builder().home(home).runtime(runtime).build()) {
            assertThat(other.app("myapp", "production").list()).extracting(AddonRecord::status)
                    .containsExactly(Status.ACTIVE);
            other.app("myapp", "production").destroy("fakedb");
        }
        assertThat(addons.app("myapp", "production").list()).isEmpty();
        assertThat(runtime.running).isEmpty();
    }

    @Test
    void anActiveAddonWhoseServerDiedIsReportedFailedOnReconcile() {
        AddonRecord record = addons.app("myapp", "production").create(AddonSpec.of("fakedb"));
        runtime.running.clear();

        try (Addons later = Addons.builder().home(home).runtime(runtime).build()) {
            AddonRecord seen = later.app("myapp", "production").list().get(0);
            assertThat(seen.status()).isEqualTo(Status.FAILED);
            assertThat(seen.message()).isEqualTo("its server " + record.id() + " is not running");
            assertThatThrownBy(() -> later.app("myapp", "production").env())
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining("is failed: its server");
        }
    }

    @Test
    void whatAFailedAddonFailedInIsReadFromItsStateNotFromTheWordsOfItsMessage() throws IOException {
        AddonRecord record = addons.app("myapp", "production").create(AddonSpec.of("fakedb"));
        runtime.running.clear();
        addons.reconcile();
        Path file = home.resolve("state/addons/" + record.id() + ".json");
        com.fasterxml.jackson.databind.node.ObjectNode state = readJson(file);
        assertThat(state.get("failure").get("cause").asText()).isEqualTo("SERVER_DOWN");
        ((com.fasterxml.jackson.databind.node.ObjectNode) state.get("record")).put("message", "reworded");
        Files.writeString(file, state.toPrettyString());

        assertThat(addons.app("myapp", "production").start("fakedb").status()).as("started again on its data")
                .isEqualTo(Status.ACTIVE);
    }

    @Test
    void aFailureRecordedWithoutItsCauseOrWithAStaleOneIsReadFromItsMessageAsEarlierVersionsWroteIt()
            throws IOException {
        AddonRecord record = addons.app("myapp", "production").create(AddonSpec.of("fakedb"));
        runtime.running.clear();
        addons.reconcile();
        Path file = home.resolve("state/addons/" + record.id() + ".json");
        com.fasterxml.jackson.databind.node.ObjectNode state = readJson(file);
        state.remove("failure");
        Files.writeString(file, state.toPrettyString());

        assertThat(addons.app("myapp", "production").start("fakedb").status()).as("written without the field")
                .isEqualTo(Status.ACTIVE);

        runtime.running.clear();
        addons.reconcile();
        state = readJson(file);
        // A version that does not know the field changed the record since, and carried the field over.
        ((com.fasterxml.jackson.databind.node.ObjectNode) state.get("failure")).put("cause", "PROVISIONING")
                .put("at", "2020-01-01T00:00:00Z");
        Files.writeString(file, state.toPrettyString());

        assertThat(addons.app("myapp", "production").start("fakedb").status()).as("a stale cause")
                .isEqualTo(Status.ACTIVE);
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode readJson(Path file) throws IOException {
        return (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(file.toFile());
    }

    @Test
    void closingASubscriptionRemovesThatRegistrationOnlyAndMayBeDoneTwice() {
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        dev.addons.api.StatusListener listener = (record, from) -> heard.add(record.status().name());
        Subscription first = addons.onTransition(listener);
        try (Subscription second = addons.onTransition(listener)) {
            first.close();
            first.close();
            addons.app("myapp", "production").create(AddonSpec.of("fakedb"));
        }
        addons.app("myapp", "production").destroy("fakedb", FinalBackup.SKIP);

        assertThat(heard).containsExactly("PENDING", "PROVISIONING", "ACTIVE");
    }

    @Test
    void stateFilesAreOwnerOnlyAndHoldNoSecretInTheirNames() throws IOException {
        addons.app("myapp", "production").create(AddonSpec.of("fakedb"));

        try (Stream<Path> files = Files.walk(home.resolve("state"))) {
            for (Path file : files.toList()) {
                String expected = Files.isDirectory(file) ? "rwx------" : "rw-------";
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                        .as(file.toString()).isEqualTo(expected);
            }
        }
    }

    @Test
    void credentialsNeverShowSecretsInToString() {
        addons.app("myapp", "production").create(AddonSpec.of("fakedb"));
        Credentials credentials = addons.app("myapp", "production").env();
        String url = credentials.get("FAKE_URL").orElseThrow();

        assertThat(credentials.toString()).doesNotContain(url).contains("FAKE_URL=<redacted>", "FAKE_USER=myapp");
        assertThat(addons.app("myapp", "production").list().toString()).doesNotContain(url);
    }

    @Test
    void closingClosesEachProviderItLoadedOnceAndNoOtherInstancesProviders() {
        int before = FakeProvider.MADE.size();
        Addons other = Addons.builder().home(home).runtime(runtime).build();
        List<FakeProvider> loaded = List.copyOf(FakeProvider.MADE.subList(before, FakeProvider.MADE.size()));
        assertThat(loaded).as("instances of its own").extracting(p -> p.descriptor().name())
                .containsExactlyInAnyOrder("fakedb", "fakecache");

        other.close();
        other.close();

        assertThat(loaded).allSatisfy(provider -> assertThat(provider.closes).hasValue(1));
        assertThat(FakeProvider.MADE.subList(before - 2, before)).as("the providers of the instance set up for"
                + " this test").allSatisfy(provider -> assertThat(provider.closes).hasValue(0));
        assertThat(addons.app("app1", "production").list()).as("which still works").isEmpty();
    }
}
