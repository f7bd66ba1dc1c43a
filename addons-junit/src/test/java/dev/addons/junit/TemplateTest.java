package dev.addons.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.AddonException;
import dev.addons.core.Environment;
import dev.addons.core.PooledDataSource;
import dev.addons.junit.SharedServer.Keeper;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * {@code template = ...}: a database prepared once per run, and a copy of it for every class or
 * test, on the shared server, each copy apart from the others and from the template.
 */
@ExtendWith(SharedServer.class)
class TemplateTest {
    static final AtomicInteger PREPARED = new AtomicInteger();
    static final Map<String, List<String>> DATABASES = new ConcurrentHashMap<>();

    private final Keeper keeper;

    TemplateTest(Keeper keeper) {
        this.keeper = keeper;
    }

    @BeforeEach
    void forgetEarlierRuns() {
        PREPARED.set(0);
        DATABASES.clear();
    }

    @AfterEach
    void nothingOfTheCasesIsLeft() throws SQLException {
        keeper.assertOnlyItsOwnLeft();
    }

    @Test
    void everyTestGetsItsOwnCopyOfThePreparedDatabase() {
        Keeper.assertPassed(keeper.run(PerMethodCase.class, PerClassCase.class), 3);

        assertThat(PREPARED).hasValue(1);
        List<String> copies = List.of(DATABASES.get("one").get(0), DATABASES.get("two").get(0),
                DATABASES.get("class").get(0));
        assertThat(copies).doesNotHaveDuplicates().doesNotContainAnyElementsOf(DATABASES.get("template"));
    }

    @Test
    void classesWithOtherTemplatesInOneRunGetCopiesOfTheirOwn() {
        Keeper.assertPassed(keeper.run(PerClassCase.class, SoupCase.class), 2);

        assertThat(PREPARED).hasValue(2);
    }

    @Test
    void aTemplateNeedsASqlAddonOnASharedServer() {
        Throwable failure = Keeper.classFailure(keeper.run(SmallVariantCase.class));

        assertThat(failure).isInstanceOf(ExtensionConfigurationException.class).hasMessage(
                "@WithAddons(template = Orders.class) on " + SmallVariantCase.class.getName() + ": copies are made on"
                        + " a shared server, and postgresql is on variant small (the default): declare it with"
                        + " variant = \"shared\"");
    }

    @Test
    void aTemplateWhosePreparationFailsFailsTheClassAndLeavesNothingOfIt() {
        Throwable failure = Keeper.classFailure(keeper.run(FailingTemplateCase.class));

        // Nothing of the class or its template is left (checked after each test): no Valkey, no database.
        assertThat(failure).isInstanceOf(AddonException.class)
                .hasMessageStartingWith(NoOrders.class.getName() + ".prepare failed on the template t-")
                .hasMessageEndingWith(": java.lang.IllegalStateException: the orders table is not ready");
    }

    /** A preparation that fails. */
    public static final class NoOrders implements AddonTemplate {
        @Override
        public void prepare(Environment environment) {
            throw new IllegalStateException("the orders table is not ready");
        }
    }

    /** Two orders, and the table they are in. */
    public static final class Orders implements AddonTemplate {
        @Override
        public void prepare(Environment environment) throws Exception {
            PREPARED.incrementAndGet();
            seen("template", environment.require("PGDATABASE"));
            createOrders(environment, "tea", "cake");
        }
    }

    /** One order, of soup: another template declaring the same addons as {@link Orders}. */
    public static final class Soup implements AddonTemplate {
        @Override
        public void prepare(Environment environment) throws Exception {
            PREPARED.incrementAndGet();
            createOrders(environment, "soup");
        }
    }

    /** Creates the orders table in the environment's database, with these items in this order. */
    static void createOrders(Environment environment, String... items) throws SQLException {
        try (PooledDataSource pool = environment.dataSource(); Connection c = pool.getConnection();
                Statement sql = c.createStatement()) {
            sql.execute("create table orders (id serial primary key, item text not null)");
            for (String item : items) {
                sql.execute("insert into orders (item) values ('" + item + "')");
            }
        }
    }

        static void seen(String who, String database) {
        DATABASES.computeIfAbsent(who, w -> new CopyOnWriteArrayList<>()).add(database);
    }

    /** Adds an order and reads them all: the template's two and this one, nobody else's. */
    static List<String> orderAndList(DataSource db, String item) throws SQLException {
        try (Connection c = db.getConnection(); Statement sql = c.createStatement()) {
            sql.execute("insert into orders (item) values ('" + item + "')");
            List<String> items = new CopyOnWriteArrayList<>();
            try (ResultSet rs = sql.executeQuery("select item from orders order by id")) {
                while (rs.next()) {
                    items.add(rs.getString(1));
                }
            }
            return items;
        }
    }

    @WithAddons(runtime = "process", scope = Scope.METHOD, template = Orders.class,
            value = @WithAddon(name = "postgresql", version = "15", variant = "shared"))
    static class PerMethodCase {
        @Test
        void one(DataSource db, @AddonVariable("PGDATABASE") String database) throws SQLException {
            seen("one", database);
            assertThat(orderAndList(db, "one")).containsExactly("tea", "cake", "one");
        }

        @Test
        void two(DataSource db, @AddonVariable("PGDATABASE") String database) throws SQLException {
            seen("two", database);
            assertThat(orderAndList(db, "two")).containsExactly("tea", "cake", "two");
        }
    }

    @WithAddons(runtime = "process", template = Orders.class, value = {
            @WithAddon(name = "postgresql", version = "15", variant = "shared"),
            @WithAddon(name = "valkey", version = "7")})
    static class PerClassCase {
        @Test
        void test(DataSource db, @AddonVariable("PGDATABASE") String database) throws SQLException {
            seen("class", database);
            assertThat(orderAndList(db, "class")).containsExactly("tea", "cake", "class");
        }
    }

    @WithAddons(runtime = "process", template = Soup.class, value = {
            @WithAddon(name = "postgresql", version = "15", variant = "shared"),
            @WithAddon(name = "valkey", version = "7")})
    static class SoupCase {
        @Test
        void test(DataSource db) throws SQLException {
            assertThat(orderAndList(db, "bread")).containsExactly("soup", "bread");
        }
    }

    @WithAddons(runtime = "process", template = NoOrders.class, value = {
            @WithAddon(name = "postgresql", version = "15", variant = "shared"),
            @WithAddon(name = "valkey", version = "7")})
    static class FailingTemplateCase {
        @Test
        void test() {
        }
    }

    @WithAddons(runtime = "process", template = Orders.class,
            value = @WithAddon(name = "postgresql", version = "15"))
    static class SmallVariantCase {
        @Test
        void test() {
        }
    }
}
