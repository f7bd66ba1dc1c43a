package dev.addons.mysql;

import dev.addons.api.Credentials;
import dev.addons.api.Endpoint;
import dev.addons.api.ServiceBinding;
import dev.addons.api.Variable;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.Urls;

/**
 * Turns a tenant's {@link Binding} into the variables MySQL clients and most frameworks read:
 * {@code DATABASE_URL} ({@code mysql://user:pass@host:port/db}), {@code MYSQL_HOST},
 * {@code MYSQL_PORT}, {@code MYSQL_USER}, {@code MYSQL_PASSWORD} and {@code MYSQL_DATABASE}, in
 * that order; the URL and the password are marked sensitive. The same values make a Service
 * Binding of type {@code mysql}. Stateless and thread-safe.
 */
final class MysqlCredentials {

    /** Binding key of the tenant's user. */
    static final String USER = "user";
    /** Binding key of the user's password. */
    static final String PASSWORD = "password";
    /** Binding key of the tenant's database. */
    static final String DATABASE = "database";
    /** Binding key of the server's {@code version()} when the tenant was made. */
    static final String SERVER_VERSION = "serverVersion";

    private MysqlCredentials() {
    }

    static Credentials of(Binding binding, Endpoint endpoint) {
        String user = binding.require(USER);
        String password = binding.require(PASSWORD);
        String database = binding.require(DATABASE);
        String url = "mysql://" + Urls.encode(user) + ":" + Urls.encode(password) + "@" + Urls.host(endpoint.host())
                + ":" + endpoint.port() + "/" + Urls.encode(database);
        return Credentials.of(
                Variable.secret("DATABASE_URL", url),
                Variable.plain("MYSQL_HOST", endpoint.host()),
                Variable.plain("MYSQL_PORT", Integer.toString(endpoint.port())),
                Variable.plain("MYSQL_USER", user),
                Variable.secret("MYSQL_PASSWORD", password),
                Variable.plain("MYSQL_DATABASE", database))
                .withServiceBinding(ServiceBinding.of("mysql", endpoint).with("username", user)
                        .with("password", password).with("database", database).with("uri", url));
    }
}
