package dev.addons.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.AddonRecord;
import dev.addons.junit.SharedServer.Keeper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.testkit.engine.EngineTestKit;
import redis.clients.jedis.Jedis;

/**
 * The README's example, as written there (runtime {@code auto}, no home configured): the run
 * makes a home of its own under {@code java.io.tmpdir} and deletes it at the end. CI runs it on
 * the process runtime through {@code addons.junit.runtime}.
 */
@ExtendWith(SharedServer.class)
class ReadmeExampleTest {
    private final Keeper keeper;

    ReadmeExampleTest(Keeper keeper) {
        this.keeper = keeper;
    }

    @Test
    void theReadmeExampleRunsInAHomeOfItsOwnThatIsDeletedAfterwards() throws IOException {
        List<Path> before = runHomes();

        Keeper.assertPassed(EngineTestKit.engine("junit-jupiter")
                .configurationParameters(Map.of(RunState.RUNTIME_PARAMETER, "process"))
                .selectors(DiscoverySelectors.selectClass(OrdersTest.class))
                .execute(), 2);

        assertThat(runHomes()).isSubsetOf(before);
        assertThat(keeper.addons().listAll()).extracting(AddonRecord::app).containsOnly(Keeper.APP);
    }

    private static List<Path> runHomes() throws IOException {
        try (Stream<Path> all = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return all.filter(p -> p.getFileName().toString().startsWith("addons-junit-")
                    && !p.getFileName().toString().startsWith("addons-junit-test-")).toList();
        }
    }

    @WithAddons(scope = Scope.RUN, value = {
            @WithAddon(name = "postgresql", version = "15", variant = "shared"),
            @WithAddon(name = "valkey", version = "7")})
    static class OrdersTest {
        @Test
        void storesAnOrder(DataSource db) throws SQLException {
            try (Connection c = db.getConnection()) {
                assertThat(InjectionTest.countAfterInserting(c, "orders", 1)).isEqualTo(1);
            }
        }

        @Test
        void countsVisits(@AddonVariable("REDIS_URL") String url) {
            try (Jedis jedis = new Jedis(URI.create(url))) {
                assertThat(jedis.incr("visits")).isEqualTo(1);
            }
        }
    }
}
