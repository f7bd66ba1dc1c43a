package dev.addons.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.junit.SharedServer.Keeper;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Who shares which addons, and for how long: a class's set is its own, a method's is fresh for
 * each test, a run's is provisioned once for every class declaring the same, and all of them are
 * gone when their scope ends (checked after each run: nothing but the keeper is left).
 */
@ExtendWith(SharedServer.class)
class ScopeTest {
    /** The databases each case class's tests were given, by class. */
    static final Map<Class<?>, List<String>> DATABASES = new ConcurrentHashMap<>();

    private final Keeper keeper;

    ScopeTest(Keeper keeper) {
        this.keeper = keeper;
    }

    @BeforeEach
    void forgetEarlierRuns() {
        DATABASES.clear();
    }

    @AfterEach
    void nothingOfTheCasesIsLeft() throws SQLException {
        keeper.assertOnlyItsOwnLeft();
    }

    @Test
    void aClassScopeServesTheTestsOfItsClassOnly() {
        Keeper.assertPassed(keeper.run(ClassScopeCase.class, OtherClassScopeCase.class), 4);

        assertThat(DATABASES.get(ClassScopeCase.class)).hasSize(2).containsOnly(
                DATABASES.get(ClassScopeCase.class).get(0));
        assertThat(DATABASES.get(OtherClassScopeCase.class)).hasSize(2).doesNotContainAnyElementsOf(
                DATABASES.get(ClassScopeCase.class));
    }

    @Test
    void aMethodScopeGivesEachTestAFreshDatabase() {
        Keeper.assertPassed(keeper.run(MethodScopeCase.class), 2);

        assertThat(DATABASES.get(MethodScopeCase.class)).hasSize(4).doesNotHaveDuplicates();
    }

    @Test
    void aRunScopeIsProvisionedOnceForEveryClassDeclaringTheSame() {
        Keeper.assertPassed(keeper.run(RunScopeCase.class, OtherRunScopeCase.class, ValkeyRunScopeCase.class), 3);

        assertThat(DATABASES.get(RunScopeCase.class)).isEqualTo(DATABASES.get(OtherRunScopeCase.class));
        assertThat(DATABASES.get(ValkeyRunScopeCase.class)).doesNotContainAnyElementsOf(
                DATABASES.get(RunScopeCase.class));
    }

    @Test
    void nestedClassesUseTheirEnclosingClassesAddons() {
        Keeper.assertPassed(keeper.run(EnclosingCase.class), 2);

        assertThat(DATABASES.get(EnclosingCase.class)).isEqualTo(DATABASES.get(EnclosingCase.Inner.class));
    }

    static void seen(Class<?> testClass, String database) {
        DATABASES.computeIfAbsent(testClass, c -> new CopyOnWriteArrayList<>()).add(database);
    }

    /** Creates a table named after the test; fails when another test of the same database did. */
    static void createTable(DataSource db, String name) throws SQLException {
        try (Connection c = db.getConnection(); Statement sql = c.createStatement()) {
            sql.execute("create table " + name + " (id int)");
        }
    }

    @WithAddons(runtime = "process", value = @WithAddon(name = "postgresql", version = "15", variant = "shared"))
    static class ClassScopeCase {
        @Test
        void one(@AddonVariable("PGDATABASE") String database) {
            seen(ClassScopeCase.class, database);
        }

        @Test
        void two(@AddonVariable("PGDATABASE") String database) {
            seen(ClassScopeCase.class, database);
        }
    }

    @WithAddons(runtime = "process", value = @WithAddon(name = "postgresql", version = "15", variant = "shared"))
    static class OtherClassScopeCase {
        @Test
        void one(@AddonVariable("PGDATABASE") String database) {
            seen(OtherClassScopeCase.class, database);
        }

        @Test
        void two(@AddonVariable("PGDATABASE") String database) {
            seen(OtherClassScopeCase.class, database);
        }
    }

    @WithAddons(runtime = "process", scope = Scope.METHOD,
            value = @WithAddon(name = "postgresql", version = "15", variant = "shared"))
    static class MethodScopeCase {
        @BeforeEach
        void before(@AddonVariable("PGDATABASE") String database) {
            seen(MethodScopeCase.class, database);
        }

        @Test
        void one(DataSource db, @AddonVariable("PGDATABASE") String database) throws SQLException {
            createTable(db, "t");
            seen(MethodScopeCase.class, database + " in the test");
        }

        @Test
        void two(DataSource db, @AddonVariable("PGDATABASE") String database) throws SQLException {
            createTable(db, "t");
            seen(MethodScopeCase.class, database + " in the test");
        }
    }

    @WithAddons(runtime = "process", scope = Scope.RUN, value = {
            @WithAddon(name = "postgresql", version = "15", variant = "shared"),
            @WithAddon(name = "valkey", version = "7")})
    static class RunScopeCase {
        @Test
        void test(@AddonVariable("PGDATABASE") String database, @AddonVariable("VALKEY_URL") String valkey) {
            seen(RunScopeCase.class, database);
            seen(RunScopeCase.class, valkey);
        }
    }

    @WithAddons(runtime = "process", scope = Scope.RUN, value = {
            @WithAddon(name = "postgresql", version = "15", variant = "shared"),
            @WithAddon(name = "valkey", version = "7")})
    static class OtherRunScopeCase {
        @Test
        void test(@AddonVariable("PGDATABASE") String database, @AddonVariable("VALKEY_URL") String valkey) {
            seen(OtherRunScopeCase.class, database);
            seen(OtherRunScopeCase.class, valkey);
        }
    }

    @WithAddons(runtime = "process", scope = Scope.RUN, value = @WithAddon(name = "valkey", version = "7"))
    static class ValkeyRunScopeCase {
        @Test
        void test(@AddonVariable("VALKEY_URL") String valkey) {
            seen(ValkeyRunScopeCase.class, valkey);
        }
    }

    @WithAddons(runtime = "process", value = @WithAddon(name = "postgresql", version = "15", variant = "shared"))
    static class EnclosingCase {
        @Test
        void outer(@AddonVariable("PGDATABASE") String database) {
            seen(EnclosingCase.class, database);
        }

        @Nested
        class Inner {
            @Test
            void inner(@AddonVariable("PGDATABASE") String database) {
                seen(Inner.class, database);
            }
        }
    }
}
