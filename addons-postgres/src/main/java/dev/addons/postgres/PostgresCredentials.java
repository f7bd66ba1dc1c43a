package dev.addons.postgres;

import dev.addons.api.Credentials;
import dev.addons.api.Endpoint;
import dev.addons.api.ServiceBinding;
import dev.addons.api.Variable;
import dev.addons.api.spi.AddonVariables;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.JdbcUrl;
import dev.addons.api.spi.Urls;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a tenant's {@link Binding} into the variables libpq and most frameworks read:
 * {@code DATABASE_URL}, {@code PGHOST}, {@code PGPORT}, {@code PGUSER}, {@code PGPASSWORD} and
 * {@code PGDATABASE}, in that order, and the same as a Service Binding of type {@code postgresql}
 * ({@code host}, {@code port}, {@code username}, {@code password}, {@code database}, {@code uri}).
 * Stateless and thread-safe.
 */
final class PostgresCredentials {

    /** Binding key of the tenant's role. */
    static final String USER = "user";
    /** Binding key of the role's password. */
    static final String PASSWORD = "password";
    /** Binding key of the tenant's database. */
    static final String DATABASE = "database";
    /** Binding key of the server's {@code server_version} when the tenant was made. */
    static final String SERVER_VERSION = "serverVersion";
    /**
     * Binding key, present when connections must use TLS verified with a CA file: that file's path
     * ({@code sslmode=verify-full} with {@code sslrootcert} set to it).
     */
    static final String SSL_ROOT_CERT = "sslRootCert";

    /** {@code binding} with the TLS settings connections to {@code server} need, if any. */
    static Binding withTls(Binding binding, dev.addons.api.spi.ServerAccess server) {
        if (server.tlsCaFile().isEmpty()) {
            return binding;
        }
        java.util.Map<String, String> values = new java.util.LinkedHashMap<>(binding.values());
        values.put(SSL_ROOT_CERT, server.tlsCaFile().get().toString());
        return new Binding(values);
    }

    /**
     * Every variable {@link #of} sets, the TLS ones last; {@code DATABASE_URL}, and {@code PGHOST}
     * for programs that read libpq's variables alone, show that a platform injected the addon.
     */
    static final AddonVariables VARIABLES = AddonVariables.of("DATABASE_URL", List.of("DATABASE_URL", "PGHOST",
            "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSSLMODE", "PGSSLROOTCERT")).withMarkers("PGHOST");
    /** {@code DATABASE_URL}'s schemes, both pgjdbc's {@code jdbc:postgresql:}. */
    static final JdbcUrl JDBC = JdbcUrl.of("DATABASE_URL", "postgres", "postgresql", "postgresql", "postgresql");

    private PostgresCredentials() {
    }

    /** Spring Boot's {@code spring.datasource.*}, from libpq's variables. */
    static Map<String, String> springBootProperties(Credentials credentials) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("spring.datasource.url", "jdbc:postgresql://" + value(credentials, "PGHOST") + ":"
                + value(credentials, "PGPORT") + "/" + value(credentials, "PGDATABASE"));
        out.put("spring.datasource.username", value(credentials, "PGUSER"));
        out.put("spring.datasource.password", value(credentials, "PGPASSWORD"));
        return out;
    }

    private static String value(Credentials credentials, String name) {
        return credentials.get(name).orElse("");
    }

    static Credentials of(Binding binding, Endpoint endpoint) {
        String user = binding.require(USER);
        String password = binding.require(PASSWORD);
        String database = binding.require(DATABASE);
        String rootCert = binding.values().get(SSL_ROOT_CERT);
        String url = "postgres://" + Urls.encode(user) + ":" + Urls.encode(password) + "@" + Urls.host(endpoint.host())
                + ":" + endpoint.port() + "/" + Urls.encode(database)
                + (rootCert == null ? "" : "?sslmode=verify-full&sslrootcert=" + Urls.encode(rootCert));
        List<Variable> variables = new ArrayList<>(List.of(
                Variable.secret("DATABASE_URL", url),
                Variable.plain("PGHOST", endpoint.host()),
                Variable.plain("PGPORT", Integer.toString(endpoint.port())),
                Variable.plain("PGUSER", user),
                Variable.secret("PGPASSWORD", password),
                Variable.plain("PGDATABASE", database)));
        ServiceBinding service = ServiceBinding.of("postgresql", endpoint).with("username", user)
                .with("password", password).with("database", database).with("uri", url);
        if (rootCert != null) {
            // libpq and pgjdbc read both; a client that ignores them still has them in DATABASE_URL.
            variables.add(Variable.plain("PGSSLMODE", "verify-full"));
            variables.add(Variable.plain("PGSSLROOTCERT", rootCert));
            service = service.with("sslmode", "verify-full").with("sslrootcert", rootCert);
        }
        return Credentials.of(variables.toArray(Variable[]::new)).withServiceBinding(service);
    }
}
