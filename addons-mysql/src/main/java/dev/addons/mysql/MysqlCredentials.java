package dev.addons.mysql;

import dev.addons.api.Credentials;
import dev.addons.api.Endpoint;
import dev.addons.api.ServiceBinding;
import dev.addons.api.Variable;
import dev.addons.api.spi.AddonVariables;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.JdbcUrl;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.Urls;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a tenant's {@link Binding} into the variables MySQL clients and most frameworks read:
 * {@code DATABASE_URL} ({@code mysql://user:pass@host:port/db}), {@code MYSQL_HOST},
 * {@code MYSQL_PORT}, {@code MYSQL_USER}, {@code MYSQL_PASSWORD} and {@code MYSQL_DATABASE}, in
 * that order; the URL and the password are marked sensitive. The same values make a Service
 * Binding of type {@code mysql}.
 *
 * <p>A tenant of a server registered for verified TLS also gets {@code MYSQL_SSL_MODE}
 * ({@value #VERIFY_IDENTITY}) and {@code MYSQL_SSL_CA} (the CA file's path), after the others, and
 * {@code DATABASE_URL} ends with {@code ?sslMode=VERIFY_IDENTITY}, which MySQL Connector/J reads:
 * it then refuses a server without TLS or whose certificate its trust store does not verify
 * (Connector/J takes no PEM file, only a trust store, so the CA itself is not in the URL). The
 * {@code mysql} and {@code mariadb} clients take the two as {@code --ssl-mode} and
 * {@code --ssl-ca} (MariaDB's: {@code --ssl-verify-server-cert} and {@code --ssl-ca}). Stateless
 * and thread-safe.
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
    /**
     * Binding key, present when connections must use TLS verified with a CA file: that file's
     * path.
     */
    static final String SSL_CA = "sslCa";
    /** The SSL mode of verified TLS, Connector/J's and the {@code mysql} client's name for it. */
    static final String VERIFY_IDENTITY = "VERIFY_IDENTITY";

    /**
     * Every variable {@link #of} sets, the TLS ones last; {@code DATABASE_URL}, and
     * {@code MYSQL_HOST} for programs that read the {@code MYSQL_*} set alone, show that a
     * platform injected the addon.
     */
    static final AddonVariables VARIABLES = AddonVariables.of("DATABASE_URL", List.of("DATABASE_URL", "MYSQL_HOST",
            "MYSQL_PORT", "MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_DATABASE", "MYSQL_SSL_MODE", "MYSQL_SSL_CA"))
            .withMarkers("MYSQL_HOST");
    /** {@code DATABASE_URL}'s schemes: Connector/J's {@code jdbc:mysql:}, or MariaDB's driver's. */
    static final JdbcUrl JDBC = JdbcUrl.of("DATABASE_URL", "mysql", "mysql", "mariadb", "mariadb");

    private MysqlCredentials() {
    }

    /** Spring Boot's {@code spring.datasource.*}, from the {@code MYSQL_*} variables. */
    static Map<String, String> springBootProperties(Credentials credentials) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("spring.datasource.url", "jdbc:mysql://" + value(credentials, "MYSQL_HOST") + ":"
                + value(credentials, "MYSQL_PORT") + "/" + value(credentials, "MYSQL_DATABASE"));
        out.put("spring.datasource.username", value(credentials, "MYSQL_USER"));
        out.put("spring.datasource.password", value(credentials, "MYSQL_PASSWORD"));
        return out;
    }

    private static String value(Credentials credentials, String name) {
        return credentials.get(name).orElse("");
    }

    /** {@code binding} with the TLS settings connections to {@code server} need, if any. */
    static Binding withTls(Binding binding, ServerAccess server) {
        if (server.tlsCaFile().isEmpty()) {
            return binding;
        }
        Map<String, String> values = new LinkedHashMap<>(binding.values());
        values.put(SSL_CA, server.tlsCaFile().get().toString());
        return new Binding(values);
    }

    static Credentials of(Binding binding, Endpoint endpoint) {
        String user = binding.require(USER);
        String password = binding.require(PASSWORD);
        String database = binding.require(DATABASE);
        String ca = binding.values().get(SSL_CA);
        String url = "mysql://" + Urls.encode(user) + ":" + Urls.encode(password) + "@" + Urls.host(endpoint.host())
                + ":" + endpoint.port() + "/" + Urls.encode(database)
                + (ca == null ? "" : "?sslMode=" + VERIFY_IDENTITY);
        List<Variable> variables = new ArrayList<>(List.of(
                Variable.secret("DATABASE_URL", url),
                Variable.plain("MYSQL_HOST", endpoint.host()),
                Variable.plain("MYSQL_PORT", Integer.toString(endpoint.port())),
                Variable.plain("MYSQL_USER", user),
                Variable.secret("MYSQL_PASSWORD", password),
                Variable.plain("MYSQL_DATABASE", database)));
        ServiceBinding service = ServiceBinding.of("mysql", endpoint).with("username", user)
                .with("password", password).with("database", database).with("uri", url);
        if (ca != null) {
            variables.add(Variable.plain("MYSQL_SSL_MODE", VERIFY_IDENTITY));
            variables.add(Variable.plain("MYSQL_SSL_CA", ca));
            service = service.with("ssl-mode", VERIFY_IDENTITY).with("ssl-ca", ca);
        }
        return Credentials.of(variables.toArray(Variable[]::new)).withServiceBinding(service);
    }
}
