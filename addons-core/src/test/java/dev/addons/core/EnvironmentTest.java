package dev.addons.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonException;
import dev.addons.api.AddonSpec;
import dev.addons.core.internal.DatabaseUrls;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentTest {

    @Test
    void requireNamesTheMissingVariableAndWhatIsThere() {
        Environment env = Environment.of("staging", Map.of("PGHOST", "127.0.0.1", "HOME", "/root"));

        assertThat(env.require("PGHOST")).isEqualTo("127.0.0.1");
        assertThatThrownBy(() -> env.require("REDIS_URL"))
                .isInstanceOf(AddonException.class)
                .hasMessage("Variable REDIS_URL is not set in environment 'staging' (read from the given variables)."
                        + " Addon variables present: [PGHOST]. Add the addon that provides it, e.g. addons create"
                        + " postgresql -a APP --env staging");
    }

    @Test
    void resolvesEachEnvironmentsOwnValuesFromTheHome(@TempDir Path home) {
        try (Addons addons = Addons.builder().home(home).runtime(new FakeRuntime()).build()) {
            addons.app("shop", "production").create(AddonSpec.of("fakedb"));
            addons.app("shop", "staging").create(AddonSpec.of("fakedb"));

            Environment production = Environment.resolve(addons, "shop", "production");
            Environment staging = Environment.resolve(addons, "shop", "staging");
            assertThat(production.name()).isEqualTo("production");
            assertThat(production.require("FAKE_URL")).isNotEqualTo(staging.require("FAKE_URL"));
            assertThat(production.toString()).doesNotContain(production.require("FAKE_URL"));
        }
    }

    @Test
    void databaseUrlsBecomeJdbcUrlsWithDecodedCredentials() {
        DatabaseUrls.Jdbc jdbc = DatabaseUrls.toJdbc("DATABASE_URL", "postgres://my%40user:p%3Ass%2Fw@127.0.0.1:5433/shop");

        assertThat(jdbc.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5433/shop");
        assertThat(jdbc.user()).isEqualTo("my@user");
        assertThat(jdbc.password()).isEqualTo("p:ss/w");
        assertThat(jdbc.toString()).doesNotContain("p:ss/w");
        assertThat(DatabaseUrls.toJdbc("DATABASE_URL", "mysql://u:p@[::1]:3306/db").jdbcUrl())
                .isEqualTo("jdbc:mysql://[::1]:3306/db");
    }

    @Test
    void aBadDatabaseUrlIsReportedWithoutItsValue() {
        assertThatThrownBy(() -> DatabaseUrls.toJdbc("DATABASE_URL", "redis://:secretpw@127.0.0.1:6379"))
                .isInstanceOf(AddonException.class)
                .hasMessageNotContaining("secretpw")
                .hasMessageContaining("expected postgres://");
        assertThatThrownBy(() -> DatabaseUrls.toJdbc("DATABASE_URL", "postgres://u:secret pw@host/db"))
                .hasMessageNotContaining("secret")
                .hasMessage("DATABASE_URL is not a valid URL (its value is not shown: it holds a password)");
    }
}
