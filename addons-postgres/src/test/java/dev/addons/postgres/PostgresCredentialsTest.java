package dev.addons.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.AddonException;
import dev.addons.api.Credentials;
import dev.addons.api.Endpoint;
import dev.addons.api.Variable;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.ServerAccess;
import dev.addons.core.Environment;
import dev.addons.testkit.DatabaseUrl;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresCredentialsTest {

    private final PostgresProvider provider = new PostgresProvider();

    private static Binding binding(String user, String password, String database) {
        return Binding.of("user", user, "password", password, "database", database, "serverVersion", "15.18");
    }

    @Test
    void variablesAreTheLibpqOnesInOrderWithSecretsMarked() {
        Credentials credentials =
                provider.credentials(binding("app1", "s3cret", "app1"), new Endpoint("127.0.0.1", 5433));

        assertThat(credentials.variables()).extracting(Variable::name)
                .containsExactly("DATABASE_URL", "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE");
        assertThat(credentials.variables()).extracting(Variable::sensitive)
                .containsExactly(true, false, false, false, true, false);
        assertThat(credentials.toMap()).containsExactly(
                Map.entry("DATABASE_URL", "postgres://app1:s3cret@127.0.0.1:5433/app1"),
                Map.entry("PGHOST", "127.0.0.1"),
                Map.entry("PGPORT", "5433"),
                Map.entry("PGUSER", "app1"),
                Map.entry("PGPASSWORD", "s3cret"),
                Map.entry("PGDATABASE", "app1"));
        assertThat(credentials.toString()).doesNotContain("s3cret");
    }

    @Test
    void oddCharactersInUserPasswordAndDatabaseArePercentEncodedAndReadBackIntact() {
        String password = "p@ss:w/rd %+?#&=ü";
        Credentials credentials = provider.credentials(binding("us:er@x", password, "my db/1"),
                new Endpoint("localhost", 5432));

        String url = credentials.get("DATABASE_URL").orElseThrow();
        assertThat(url).isEqualTo(
                "postgres://us%3Aer%40x:p%40ss%3Aw%2Frd%20%25%2B%3F%23%26%3D%C3%BC@localhost:5432/my%20db%2F1");
        URI uri = URI.create(url);
        assertThat(uri.getHost()).isEqualTo("localhost");
        assertThat(uri.getPort()).isEqualTo(5432);
        assertThat(uri.getUserInfo()).isEqualTo("us:er@x:" + password);
        assertThat(uri.getRawPath()).isEqualTo("/my%20db%2F1");
        assertThat(credentials.get("PGPASSWORD")).contains(password);
        assertThat(credentials.get("PGUSER")).contains("us:er@x");
    }

    @Test
    void anIpv6HostIsBracketedInTheUrlButNotInPghost() {
        Credentials credentials = provider.credentials(binding("app1", "pw", "app1"), new Endpoint("::1", 15432));

        assertThat(credentials.get("DATABASE_URL")).contains("postgres://app1:pw@[::1]:15432/app1");
        assertThat(URI.create(credentials.get("DATABASE_URL").orElseThrow()).getPort()).isEqualTo(15432);
        assertThat(credentials.get("PGHOST")).contains("::1");
    }

    @Test
    void aBindingWithoutAPasswordIsReportedByKey() {
        assertThatThrownBy(() -> provider.credentials(Binding.of("user", "a", "database", "a"),
                new Endpoint("127.0.0.1", 5432)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'password'");
    }

    @Test
    void theServiceBindingHoldsTheSameValuesAsTheVariables() {
        Credentials credentials =
                provider.credentials(binding("app1", "s3cret", "app1"), new Endpoint("127.0.0.1", 5433));

        assertThat(credentials.serviceBinding().entries()).containsExactly(
                Map.entry("type", "postgresql"), Map.entry("provider", "addons"),
                Map.entry("host", "127.0.0.1"), Map.entry("port", "5433"), Map.entry("username", "app1"),
                Map.entry("password", "s3cret"), Map.entry("database", "app1"),
                Map.entry("uri", credentials.get("DATABASE_URL").orElseThrow()));
    }

    @Test
    void everyVariableSetIsDeclaredAndDatabaseUrlAndPghostMarkAnInjectedAddon() {
        ServerAccess external = new ServerAccess("db", new Endpoint("db.internal", 5432), "postgres", "adminpw",
                Map.of(), "addons:0123456789abcdef", new ServerAccess.External(false, Path.of("/etc/ssl/ca.pem")));
        Credentials withTls = provider.credentials(PostgresCredentials.withTls(binding("app1", "s3cret", "app1"),
                external), new Endpoint("db.internal", 5432));

        assertThat(provider.variables()).hasValueSatisfying(declared -> {
            assertThat(declared.names()).containsExactlyElementsOf(withTls.toMap().keySet());
            assertThat(declared.url()).isEqualTo("DATABASE_URL");
            assertThat(declared.markers()).containsExactlyInAnyOrder("DATABASE_URL", "PGHOST");
        });
        assertThat(provider.jdbcUrl()).hasValueSatisfying(jdbc -> assertThat(jdbc.variable()).isEqualTo("DATABASE_URL"));
    }

    @Test
    void springBootsDatasourcePropertiesComeFromLibpqsVariables() {
        Credentials credentials =
                provider.credentials(binding("app1", "s3cret", "app1"), new Endpoint("127.0.0.1", 5433));

        assertThat(provider.springBootProperties(credentials)).containsExactly(
                Map.entry("spring.datasource.url", "jdbc:postgresql://127.0.0.1:5433/app1"),
                Map.entry("spring.datasource.username", "app1"),
                Map.entry("spring.datasource.password", "s3cret"));
    }

    // The Environment facade's checks with PostgreSQL's variables, which addons-core knows only from this provider.

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
    void databaseUrlsBecomeJdbcUrlsWithDecodedCredentials() {
        DatabaseUrl jdbc = DatabaseUrl.toJdbc("DATABASE_URL", "postgres://my%40user:p%3Ass%2Fw@127.0.0.1:5433/shop");

        assertThat(jdbc.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5433/shop");
        assertThat(jdbc.user()).isEqualTo("my@user");
        assertThat(jdbc.password()).isEqualTo("p:ss/w");
        assertThat(jdbc.toString()).doesNotContain("p:ss/w");
        assertThat(DatabaseUrl.toJdbc("DATABASE_URL", "postgresql://u:p@127.0.0.1/db").jdbcUrl())
                .isEqualTo("jdbc:postgresql://127.0.0.1/db");
    }

    @Test
    void aBadDatabaseUrlIsReportedWithoutItsValue() {
        assertThatThrownBy(() -> DatabaseUrl.toJdbc("DATABASE_URL", "redis://:secretpw@127.0.0.1:6379"))
                .isInstanceOf(AddonException.class)
                .hasMessageNotContaining("secretpw")
                .hasMessageContaining("expected postgres://");
        assertThatThrownBy(() -> DatabaseUrl.toJdbc("DATABASE_URL", "postgres://u:secret pw@host/db"))
                .hasMessageNotContaining("secret")
                .hasMessage("DATABASE_URL is not a valid URL (its value is not shown: it holds a password)");
    }
}
