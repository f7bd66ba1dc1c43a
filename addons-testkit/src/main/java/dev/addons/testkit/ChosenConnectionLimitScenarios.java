package dev.addons.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.Variant;
import dev.addons.core.Addons;
import dev.addons.core.AppFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An app's {@code connections} on a shared server of the process runtime, through the whole SDK:
 * its user's connection limit is what the app file says, the next session is refused by the server
 * while another app of the server still connects, and a deploy with another value changes the live
 * limit, the tenant and its sessions kept. A value beyond what a shared server gives, or any value
 * for a dedicated server, is refused before anything starts. Connections are made with the
 * engine's JDBC driver from the app's injected variables alone. An engine module extends it once:
 *
 * <pre>{@code
 * class ChosenConnectionLimitTest extends ChosenConnectionLimitScenarios {
 *     ChosenConnectionLimitTest() {
 *         super(new PostgresUnderTest());
 *     }
 * }
 * }</pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ChosenConnectionLimitScenarios {
    private static final String ENV = "production";

    private final SqlEngineUnderTest engine;
    private Path home;
    private Addons addons;

    protected ChosenConnectionLimitScenarios(SqlEngineUnderTest engine) {
        this.engine = Objects.requireNonNull(engine, "engine == null");
    }

    @BeforeAll
    void open() throws IOException {
        home = Files.createTempDirectory("addons-");
        addons = Addons.builder().home(home).runtime("process").automaticBackups(false).build();
    }

    @AfterAll
    void destroyEverything() throws Exception {
        try {
            if (addons != null) {
                for (AddonRecord record : addons.listAll()) {
                    addons.app(record.app(), record.environment()).destroy(record.addon());
                }
                addons.close();
            }
            assertThat(ServerProcesses.under(home)).as("processes left under " + home).isEmpty();
        } finally {
            TestFiles.deleteRecursively(home);
        }
    }

    @Test
    void anAppOfConnectionsTwoOpensTwoTheThirdIsRefusedAnotherAppConnectsAndADeployChangesTheLiveLimit()
            throws SQLException {
        String addon = engine.addon();
        addons.deploy(file("greedy", "connections = 2\n"), ENV);
        addons.deploy(file("other", ""), ENV);
        Map<String, String> greedy = addons.app("greedy", ENV).env().toMap();
        Map<String, String> other = addons.app("other", ENV).env().toMap();
        assertThat(engine.endpoint(greedy).port()).as("one shared server").isEqualTo(engine.endpoint(other).port());
        assertThat(addons.app("greedy", ENV).connectionLimit(addon)).isEqualTo(OptionalInt.of(2));
        assertThat(addons.app("other", ENV).connectionLimit(addon)).isEqualTo(OptionalInt.of(AddonSpec.DEFAULT_CONNECTIONS));

        List<Connection> open = new ArrayList<>();
        try {
            open.add(engine.connect(greedy));
            open.add(engine.connect(greedy));

            assertRefused(greedy);
            assertThat(tenant(other)).isEqualTo("other");

            addons.deploy(file("greedy", "connections = 3\n"), ENV);

            assertThat(addons.app("greedy", ENV).env().toMap()).as("the same tenant, its password kept").isEqualTo(greedy);
            assertThat(addons.app("greedy", ENV).connectionLimit(addon)).isEqualTo(OptionalInt.of(3));
            open.add(engine.connect(greedy));
            assertRefused(greedy);

            addons.deploy(file("greedy", "connections = 1\n"), ENV);

            for (Connection connection : open) {
                assertThat(connection.isValid(5)).as("a session open before the change stays").isTrue();
            }
            assertRefused(greedy);
            assertThat(tenant(other)).isEqualTo("other");
        } finally {
            for (Connection connection : open) {
                connection.close();
            }
        }
    }

    @Test
    void aLimitBeyondWhatTheServerCanGiveIsRefusedNamingTheFieldTheValueAndTheRange() {
        String addon = engine.addon();
        int max = engine.sharedConnectionsMax();
        assertThatThrownBy(() -> addons.deploy(file("huge", "connections = " + (max + 1) + "\n"), ENV))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("addons." + addon + ": " + addon + " connections = " + (max + 1) + " is out of range."
                        + " Allowed: 1 to " + max + " for a " + addon + " app on a shared server");
        assertThatThrownBy(() -> addons.app("alone", ENV).create(AddonSpec.of(addon).withVersion(engine.processVersion())
                .withConnections(5)))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageStartingWith(addon + " connections = 5 is refused for variant '" + Variant.DEFAULT + "'");

        assertThat(addons.app("huge", ENV).list()).isEmpty();
        assertThat(addons.app("alone", ENV).list()).isEmpty();
    }

    private AppFile file(String app, String connections) {
        return AppFile.parse("name = \"" + app + "\"\n[addons." + engine.addon() + "]\nvariant = \"shared\"\nversion = \""
                + engine.processVersion() + "\"\n" + connections, app + ".toml");
    }

    private void assertRefused(Map<String, String> vars) {
        assertThatThrownBy(() -> engine.connect(vars).close())
                .isInstanceOf(SQLException.class)
                .satisfies(e -> engine.assertTooManyConnections((SQLException) e, vars));
    }

    private String tenant(Map<String, String> vars) throws SQLException {
        try (Connection connection = engine.connect(vars); Statement sql = connection.createStatement();
                ResultSet rs = sql.executeQuery(engine.tenantQuery())) {
            rs.next();
            return rs.getString(1);
        }
    }
}
