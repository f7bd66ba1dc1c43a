package dev.addons.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.AddonSpec;
import dev.addons.core.AddonInfo;
import dev.addons.core.Addons;
import dev.addons.core.VersionInfo;
import dev.addons.core.runtime.Availability;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every supported PostgreSQL major version is provisionable on the process runtime: installed
 * ones from the host, the others fetched once from Maven Central into the binary cache
 * ({@code addons.test.cache}, default {@code target/addons-test-cache}) and reused.
 */
class EveryVersionTest {
    @TempDir
    static Path home;
    static Addons addons;

    @BeforeAll
    static void open() {
        Path cache = Path.of(System.getProperty("addons.test.cache", "target/addons-test-cache"));
        addons = Addons.builder().home(home).cache(cache).runtime("process").build();
    }

    @AfterAll
    static void close() {
        addons.close();
    }

    @Test
    void listAvailableSaysWhichVersionsAreInstalledAndWhichWillBeFetched() {
        AddonInfo postgres = addons.info("postgres");

        assertThat(postgres.versions()).extracting(VersionInfo::version).containsExactly("14", "15", "16", "17", "18");
        assertThat(postgres.versions()).filteredOn(VersionInfo::isDefault).extracting(VersionInfo::version)
                .containsExactly("18");
        VersionInfo fifteen = postgres.versions().get(1);
        assertThat(fifteen.availability().state()).isEqualTo(Availability.State.INSTALLED);
        assertThat(fifteen.availability().detail()).contains("/usr/lib/postgresql/15/bin");
        for (VersionInfo v : postgres.versions()) {
            assertThat(v.availability().state()).as(v.version())
                    .isIn(Availability.State.INSTALLED, Availability.State.CACHED, Availability.State.DOWNLOADABLE);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"14", "15", "16", "17", "18"})
    void eachMajorVersionRunsAndServesQueries(String version) throws SQLException {
        String app = "v" + version;
        addons.app(app, "production").create(AddonSpec.of("postgresql").withVersion(version));
        Map<String, String> vars = addons.app(app, "production").env().toMap();

        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + vars.get("PGHOST") + ":"
                        + vars.get("PGPORT") + "/" + vars.get("PGDATABASE"), vars.get("PGUSER"), vars.get("PGPASSWORD"));
                Statement s = c.createStatement()) {
            s.execute("create table t (v int)");
            s.execute("insert into t values (" + version + ")");
            try (ResultSet rs = s.executeQuery("select current_setting('server_version_num'), sum(v) from t")) {
                rs.next();
                assertThat(rs.getString(1)).startsWith(version);
                assertThat(rs.getInt(2)).isEqualTo(Integer.parseInt(version));
            }
        }
        addons.app(app, "production").destroy("postgresql");
        assertThat(addons.info("postgresql").versions().get(Integer.parseInt(version) - 14).availability().state())
                .isIn(Availability.State.INSTALLED, Availability.State.CACHED);
    }
}
