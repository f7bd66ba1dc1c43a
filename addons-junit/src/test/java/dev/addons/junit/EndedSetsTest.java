package dev.addons.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.junit.SharedServer.Keeper;
import dev.addons.testkit.ServerProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * In a home of the run's own, the addons of a class or a test outlive its scope, released (their
 * connections closed), until the run ends, at most {@link RunState#ENDED_KEPT} sets of them; then
 * every server of the home goes at once, and the home with them.
 */
class EndedSetsTest {
    /** The run's home, as its first case found it. */
    private static volatile Path runHome;
    private static volatile List<Path> homesBefore;
    private static volatile String firstDatabase;

    @Test
    void endedSetsGoWithTheRunsHomeWhenTheRunEnds() throws IOException {
        homesBefore = runHomes();
        Keeper.assertPassed(Keeper.engine(Map.of("junit.jupiter.testclass.order.default",
                ClassOrderer.OrderAnnotation.class.getName()), First.class, Second.class, PerMethodCase.class), 2 + 6);

        assertThat(runHome).isNotNull().doesNotExist();
        assertThat(ServerProcesses.under(runHome)).as("server processes of " + runHome).isEmpty();
        assertThat(runHomes()).isSubsetOf(homesBefore);
    }

    private static List<Path> runHomes() throws IOException {
        try (Stream<Path> all = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return all.filter(p -> p.getFileName().toString().startsWith("addons-junit-")).toList();
        }
    }

    /** The valkey server processes of the run's home (Debian's redis-server is a link to redis-check-rdb). */
    private static List<Long> valkeys() throws IOException {
        return ServerProcesses.under(runHome).stream()
                .filter(pid -> ProcessHandle.of(pid).flatMap(p -> p.info().command())
                        .filter(command -> command.contains("redis") || command.contains("valkey"))
                        .isPresent())
                .toList();
    }

    @Order(1)
    @WithAddons(runtime = "process", value = @WithAddon(name = "postgresql", version = "15", variant = "shared"))
    static class First {
        @Test
        void notesItsDatabase(@AddonVariable("PGDATABASE") String database) throws IOException {
            List<Path> made = runHomes().stream().filter(home -> !homesBefore.contains(home)).toList();
            assertThat(made).as("the run's own home").hasSize(1);
            runHome = made.get(0);
            firstDatabase = database;
        }
    }

    @Order(2)
    @WithAddons(runtime = "process", value = @WithAddon(name = "postgresql", version = "15", variant = "shared"))
    static class Second {
        @Test
        void seesTheFirstClasssDatabaseStill(DataSource db) throws SQLException {
            try (Connection c = db.getConnection();
                    PreparedStatement sql = c.prepareStatement("select count(*) from pg_database where datname = ?")) {
                sql.setString(1, firstDatabase);
                try (ResultSet rows = sql.executeQuery()) {
                    rows.next();
                    assertThat(rows.getInt(1)).as("databases named " + firstDatabase).isEqualTo(1);
                }
            }
        }
    }

    @Order(3)
    @WithAddons(runtime = "process", scope = Scope.METHOD, value = @WithAddon(name = "valkey", version = "7"))
    static class PerMethodCase {
        @RepeatedTest(6)
        void countsTheValkeysLeft(RepetitionInfo repetition) throws IOException {
            if (repetition.getCurrentRepetition() == 6) {
                // First's and Second's sets and the first two tests' are kept; the next three went at their end.
                assertThat(valkeys()).as("valkeys of " + runHome).hasSize(RunState.ENDED_KEPT - 2 + 1);
            }
        }
    }
}
