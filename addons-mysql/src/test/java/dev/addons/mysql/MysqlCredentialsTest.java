package dev.addons.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.Credentials;
import dev.addons.api.Endpoint;
import dev.addons.api.Variable;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.ServerAccess;
import dev.addons.testkit.DatabaseUrl;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MysqlCredentialsTest {

    private final MysqlProvider provider = new MysqlProvider();

    private static Binding binding(String user, String password, String database) {
        return Binding.of("user", user, "password", password, "database", database,
                "serverVersion", "10.11.19-MariaDB-0+deb12u1");
    }

    @Test
    void variablesAreTheDocumentedOnesInOrderWithSecretsMarked() {
        Credentials credentials =
                provider.credentials(binding("app1", "s3cret", "app1"), new Endpoint("127.0.0.1", 3307));

        assertThat(credentials.variables()).extracting(Variable::name).containsExactly(
                "DATABASE_URL", "MYSQL_HOST", "MYSQL_PORT", "MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_DATABASE");
        assertThat(credentials.variables()).extracting(Variable::sensitive)
                .containsExactly(true, false, false, false, true, false);
        assertThat(credentials.toMap()).containsExactly(
                Map.entry("DATABASE_URL", "mysql://app1:s3cret@127.0.0.1:3307/app1"),
                Map.entry("MYSQL_HOST", "127.0.0.1"),
                Map.entry("MYSQL_PORT", "3307"),
                Map.entry("MYSQL_USER", "app1"),
                Map.entry("MYSQL_PASSWORD", "s3cret"),
                Map.entry("MYSQL_DATABASE", "app1"));
        assertThat(credentials.toString()).doesNotContain("s3cret");
    }

    @Test
    void aTenantOfAServerRegisteredForVerifiedTlsGetsTheSslModeAndTheCaFileAfterTheOtherVariables() {
        ServerAccess server = new ServerAccess("external-maria", new Endpoint("db.internal", 3306), "root", "adminpw",
                Map.of(), "addons:0123456789abcdef", new ServerAccess.External(false, Path.of("/etc/ssl/db ca.pem")));
        Binding binding = MysqlCredentials.withTls(binding("app1", "s3cret", "app1"), server);

        Credentials credentials = provider.credentials(binding, new Endpoint("db.internal", 3306));

        assertThat(credentials.variables()).extracting(Variable::name).containsExactly("DATABASE_URL", "MYSQL_HOST",
                "MYSQL_PORT", "MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_DATABASE", "MYSQL_SSL_MODE", "MYSQL_SSL_CA");
        assertThat(credentials.toMap())
                .containsEntry("DATABASE_URL", "mysql://app1:s3cret@db.internal:3306/app1?sslMode=VERIFY_IDENTITY")
                .containsEntry("MYSQL_SSL_MODE", "VERIFY_IDENTITY")
                .containsEntry("MYSQL_SSL_CA", "/etc/ssl/db ca.pem");
        assertThat(credentials.serviceBinding().entries())
                .containsEntry("ssl-mode", "VERIFY_IDENTITY").containsEntry("ssl-ca", "/etc/ssl/db ca.pem");
        assertThat(DatabaseUrl.toJdbc("DATABASE_URL", credentials.get("DATABASE_URL").orElseThrow()).jdbcUrl())
                .as("Connector/J reads the mode from the URL").isEqualTo(
                        "jdbc:mysql://db.internal:3306/app1?sslMode=VERIFY_IDENTITY");
        assertThat(MysqlCredentials.withTls(binding("app1", "s3cret", "app1"),
                new ServerAccess("s1", new Endpoint("127.0.0.1", 3306), "root", "adminpw")).values())
                .as("a server without --ca-file").doesNotContainKey("sslCa");
    }

    @Test
    void oddCharactersInUserPasswordAndDatabaseArePercentEncodedAndReadBackIntact() {
        String password = "p@ss:w/rd %+?#&=ü~";
        Credentials credentials = provider.credentials(binding("us:er@x-1", password, "my db/1"),
                new Endpoint("localhost", 3306));

        String url = credentials.get("DATABASE_URL").orElseThrow();
        assertThat(url).isEqualTo(
                "mysql://us%3Aer%40x-1:p%40ss%3Aw%2Frd%20%25%2B%3F%23%26%3D%C3%BC~@localhost:3306/my%20db%2F1");
        URI uri = URI.create(url);
        assertThat(uri.getHost()).isEqualTo("localhost");
        assertThat(uri.getPort()).isEqualTo(3306);
        assertThat(uri.getUserInfo()).isEqualTo("us:er@x-1:" + password);
        assertThat(uri.getRawPath()).isEqualTo("/my%20db%2F1");
        assertThat(credentials.get("MYSQL_PASSWORD")).contains(password);
        assertThat(credentials.get("MYSQL_USER")).contains("us:er@x-1");
    }

    @Test
    void theEnvironmentFacadeTurnsTheUrlIntoAConnectorJUrlWithTheDecodedUserAndPassword() {
        String password = "p@ss:w/rd %+?#&=ü~";
        String url = provider.credentials(binding("us:er", password, "app1"), new Endpoint("127.0.0.1", 3307))
                .get("DATABASE_URL").orElseThrow();

        DatabaseUrl jdbc = DatabaseUrl.toJdbc("DATABASE_URL", url);

        assertThat(jdbc.jdbcUrl()).isEqualTo("jdbc:mysql://127.0.0.1:3307/app1");
        assertThat(jdbc.user()).isEqualTo("us:er");
        assertThat(jdbc.password()).isEqualTo(password);
    }

    @Test
    void anIpv6DatabaseUrlAndMariadbsSchemeBecomeJdbcUrls() {
        assertThat(DatabaseUrl.toJdbc("DATABASE_URL", "mysql://u:p@[::1]:3306/db").jdbcUrl())
                .isEqualTo("jdbc:mysql://[::1]:3306/db");
        assertThat(DatabaseUrl.toJdbc("DATABASE_URL", "mariadb://u:p@127.0.0.1:3306/db").jdbcUrl())
                .isEqualTo("jdbc:mariadb://127.0.0.1:3306/db");
    }

    @Test
    void everyVariableSetIsDeclaredAndSpringBootsDatasourceComesFromTheMysqlOnes() {
        ServerAccess server = new ServerAccess("external-maria", new Endpoint("db.internal", 3306), "root", "adminpw",
                Map.of(), "addons:0123456789abcdef", new ServerAccess.External(false, Path.of("/etc/ssl/ca.pem")));
        Credentials withTls = provider.credentials(MysqlCredentials.withTls(binding("app1", "s3cret", "app1"), server),
                new Endpoint("db.internal", 3306));

        assertThat(provider.variables()).hasValueSatisfying(declared -> {
            assertThat(declared.names()).containsExactlyElementsOf(withTls.toMap().keySet());
            assertThat(declared.markers()).containsExactlyInAnyOrder("DATABASE_URL", "MYSQL_HOST");
        });
        assertThat(provider.springBootProperties(withTls)).containsExactly(
                Map.entry("spring.datasource.url", "jdbc:mysql://db.internal:3306/app1"),
                Map.entry("spring.datasource.username", "app1"),
                Map.entry("spring.datasource.password", "s3cret"));
    }

    @Test
    void anIpv6HostIsBracketedInTheUrlButNotInMysqlHost() {
        Credentials credentials = provider.credentials(binding("app1", "pw", "app1"), new Endpoint("::1", 13306));

        assertThat(credentials.get("DATABASE_URL")).contains("mysql://app1:pw@[::1]:13306/app1");
        assertThat(URI.create(credentials.get("DATABASE_URL").orElseThrow()).getPort()).isEqualTo(13306);
        assertThat(credentials.get("MYSQL_HOST")).contains("::1");
    }

    @Test
    void aBindingWithoutAPasswordIsReportedByKey() {
        assertThatThrownBy(() -> provider.credentials(Binding.of("user", "a", "database", "a"),
                new Endpoint("127.0.0.1", 3306)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'password'");
    }

    @Test
    void theServiceBindingHoldsTheSameValuesAsTheVariables() {
        Credentials credentials =
                provider.credentials(binding("app1", "s3cret", "app1"), new Endpoint("127.0.0.1", 3307));

        assertThat(credentials.serviceBinding().entries()).containsExactly(
                Map.entry("type", "mysql"), Map.entry("provider", "addons"),
                Map.entry("host", "127.0.0.1"), Map.entry("port", "3307"), Map.entry("username", "app1"),
                Map.entry("password", "s3cret"), Map.entry("database", "app1"),
                Map.entry("uri", credentials.get("DATABASE_URL").orElseThrow()));
    }
}
