package dev.addons.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.Endpoint;
import dev.addons.api.InvalidSpecException;
import dev.addons.core.FakeProvider;
import org.junit.jupiter.api.Test;

class ExternalUrlTest {
    private static final String SECRET = "s3cr%40t-pw";

    private final FakeProvider provider = new FakeProvider();

    @Test
    void readsTheEndpointAndTheDecodedCredentials() {
        ExternalUrl url = ExternalUrl.parse("fakedb://admin:" + SECRET + "@db.internal:6543/main", provider, 5432);

        assertThat(url.endpoint()).isEqualTo(new Endpoint("db.internal", 6543));
        assertThat(url.adminUser()).isEqualTo("admin");
        assertThat(url.adminPassword()).isEqualTo("s3cr@t-pw");
        assertThat(url.toString()).doesNotContain("s3cr");
    }

    @Test
    void defaultsToTheEnginesPortAndTakesBracketedAddresses() {
        assertThat(ExternalUrl.parse("fakedb://root:pw@[::1]", provider, 3306).endpoint())
                .isEqualTo(new Endpoint("::1", 3306));
    }

    @Test
    void refusesBadUrlsNamingThePartWithoutThePassword() {
        assertThatThrownBy(() -> ExternalUrl.parse("http://admin:" + SECRET + "@h:1/", provider, 1))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("--url 'http://admin:***@h:1/' has scheme 'http' (scheme): use for --addon fakedb: [fake, fakedb]");
        assertThatThrownBy(() -> ExternalUrl.parse("fakedb://h:1/", provider, 1))
                .hasMessage("--url 'fakedb://h:1/' has no admin user and password (user): use USER:PASSWORD@ before"
                        + " the host, e.g. fakedb://admin:PASSWORD@127.0.0.1:1/");
        assertThatThrownBy(() -> ExternalUrl.parse("fakedb://admin:@h/", provider, 1))
                .hasMessageContaining("has an empty password (password)");
        assertThatThrownBy(() -> ExternalUrl.parse("fakedb://admin:" + SECRET + "@h/a/b", provider, 1))
                .hasMessage("--url 'fakedb://admin:***@h/a/b' has the path '/a/b' (path): use nothing, '/' or one"
                        + " database name");
        assertThatThrownBy(() -> ExternalUrl.parse("fakedb://admin:" + SECRET + "@h/?ssl=1", provider, 1))
                .hasMessage("--url 'fakedb://admin:***@h/?ssl=1' has the query 'ssl=1' (query): use none, or"
                        + " sslmode=verify-full (PostgreSQL) or sslMode=VERIFY_IDENTITY (MySQL) with --ca-file: addons"
                        + " sets the connection's other options");
        assertThatThrownBy(() -> ExternalUrl.parse("fakedb://admin:s3cr t@h/", provider, 1))
                .hasMessage("--url 'fakedb://admin:***@h/' is not a URL: use e.g. fakedb://admin:PASSWORD@127.0.0.1:1/,"
                        + " with % @ / ? # : and spaces in the user and password percent-encoded (%40 for @)");
        assertThatThrownBy(() -> ExternalUrl.parse("fakedb://admin:s3cr%zzt@h/", provider, 1))
                .hasMessageContaining("is not a URL").hasMessageNotContaining("s3cr");
        assertThatThrownBy(() -> ExternalUrl.parse(" ", provider, 1)).hasMessageStartingWith("--url is empty");
    }
}
