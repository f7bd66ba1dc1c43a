package dev.addons.mysql;

import static dev.addons.mysql.AppConnections.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.InvalidSpecException;
import dev.addons.core.Addons;
import dev.addons.core.AppFile;
import dev.addons.testkit.ServerProcesses;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * An app's {@code connections} on a shared MySQL 8 server (MariaDB 10.11 from Debian, on the
 * process runtime), through the whole SDK: its user's {@code MAX_USER_CONNECTIONS} is what the app
 * file says, the next session is refused by the server (error 1226) while another app of the
 * server still connects, and a deploy with another value changes the live user's limit, the
 * tenant and its sessions kept. Connections are made with Connector/J from the app's injected
 * variables alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChosenConnectionLimitTest {
    private static final String ENV = "production";
    /** MySQL's and MariaDB's error for an account past one of its resource limits. */
    private static final int USER_LIMIT_REACHED = 1226;

    @TempDir
    static Path home;

    Addons addons;

    @BeforeAll
    void open() {
        addons = Addons.builder().home(home).runtime("process").automaticBackups(false).build();
    }

    @AfterAll
    void destroyEverything() throws Exception {
        if (addons != null) {
            for (AddonRecord record : addons.listAll()) {
                addons.app(record.app(), record.environment()).destroy(record.addon());
            }
            addons.close();
        }
        assertThat(ServerProcesses.under(home)).as("processes left under " + home).isEmpty();
    }

    @Test
    void anAppOfConnectionsTwoOpensTwoTheThirdIsRefusedAnotherAppConnectsAndADeployChangesTheLiveLimit()
            throws SQLException {
        addons.deploy(file("greedy", "connections = 2\n"), ENV);
        addons.deploy(file("other", ""), ENV);
        Map<String, String> greedy = addons.app("greedy", ENV).env().toMap();
        Map<String, String> other = addons.app("other", ENV).env().toMap();
        assertThat(greedy.get("MYSQL_PORT")).as("one shared server").isEqualTo(other.get("MYSQL_PORT"));
        assertThat(addons.app("greedy", ENV).connectionLimit("mysql")).isEqualTo(OptionalInt.of(2));
        assertThat(addons.app("other", ENV).connectionLimit("mysql"))
                .isEqualTo(OptionalInt.of(AddonSpec.DEFAULT_CONNECTIONS));

        List<Connection> open = new ArrayList<>();
        try {
            open.add(connect(greedy));
            open.add(connect(greedy));

            assertRefused(greedy);
            assertThat(database(other)).isEqualTo("other");

            addons.deploy(file("greedy", "connections = 3\n"), ENV);

            assertThat(addons.app("greedy", ENV).env().toMap()).as("the same tenant, its password kept")
                    .isEqualTo(greedy);
            assertThat(addons.app("greedy", ENV).connectionLimit("mysql")).isEqualTo(OptionalInt.of(3));
            open.add(connect(greedy));
            assertRefused(greedy);

            addons.deploy(file("greedy", "connections = 1\n"), ENV);

            for (Connection connection : open) {
                assertThat(connection.isValid(5)).as("a session open before the change stays").isTrue();
            }
            assertRefused(greedy);
            assertThat(database(other)).isEqualTo("other");
        } finally {
            for (Connection connection : open) {
                connection.close();
            }
        }
    }

    @Test
    void aLimitBeyondWhatTheServerCanGiveIsRefusedNamingTheFieldTheValueAndTheRange() {
        assertThatThrownBy(() -> addons.deploy(file("huge", "connections = 151\n"), ENV))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("addons.mysql: mysql connections = 151 is out of range. Allowed: 1 to 150 for a mysql app"
                        + " on a shared server");

        assertThat(addons.app("huge", ENV).list()).isEmpty();
    }

    private static AppFile file(String app, String connections) {
        return AppFile.parse("name = \"" + app + "\"\n[addons.mysql]\nvariant = \"shared\"\nversion = \"8\"\n"
                + connections, app + ".toml");
    }

    private static void assertRefused(Map<String, String> vars) {
        assertThatThrownBy(() -> connect(vars).close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("max_user_connections")
                .extracting(e -> ((SQLException) e).getErrorCode()).isEqualTo(USER_LIMIT_REACHED);
    }

    private static String database(Map<String, String> vars) throws SQLException {
        try (Connection connection = connect(vars); Statement sql = connection.createStatement()) {
            return queryString(sql, "select database()");
        }
    }

    private static Connection connect(Map<String, String> vars) throws SQLException {
        return AppConnections.connect(vars, vars.get("MYSQL_DATABASE"));
    }
}
