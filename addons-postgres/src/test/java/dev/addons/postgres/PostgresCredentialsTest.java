package dev.addons.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.Credentials;
import dev.addons.api.Endpoint;
import dev.addons.api.Variable;
import dev.addons.api.spi.Binding;
import java.net.URI;
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
}
