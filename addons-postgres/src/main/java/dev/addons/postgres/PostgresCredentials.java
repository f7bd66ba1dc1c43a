package dev.addons.postgres;

import dev.addons.api.Credentials;
import dev.addons.api.Endpoint;
import dev.addons.api.Variable;
import dev.addons.api.spi.Binding;
import java.nio.charset.StandardCharsets;

/**
 * Turns a tenant's {@link Binding} into the variables libpq and most frameworks read:
 * {@code DATABASE_URL}, {@code PGHOST}, {@code PGPORT}, {@code PGUSER}, {@code PGPASSWORD} and
 * {@code PGDATABASE}, in that order. Stateless and thread-safe.
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

    private static final String HEX = "0123456789ABCDEF";

    private PostgresCredentials() {
    }

    static Credentials of(Binding binding, Endpoint endpoint) {
        String user = binding.require(USER);
        String password = binding.require(PASSWORD);
        String database = binding.require(DATABASE);
        String url = "postgres://" + encode(user) + ":" + encode(password) + "@" + urlHost(endpoint.host()) + ":"
                + endpoint.port() + "/" + encode(database);
        return Credentials.of(
                Variable.secret("DATABASE_URL", url),
                Variable.plain("PGHOST", endpoint.host()),
                Variable.plain("PGPORT", Integer.toString(endpoint.port())),
                Variable.plain("PGUSER", user),
                Variable.secret("PGPASSWORD", password),
                Variable.plain("PGDATABASE", database));
    }

    /** {@code host} as it stands in a URL: an IPv6 literal in brackets. */
    static String urlHost(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /**
     * Percent-encodes everything but RFC 3986's unreserved characters, as UTF-8. Unlike
     * {@link java.net.URLEncoder} (form encoding) it never writes {@code +} for a space, which URL
     * parsers would read back as a plus in a user name, password or path.
     */
    static String encode(String component) {
        StringBuilder out = new StringBuilder(component.length());
        for (byte b : component.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xF));
            }
        }
        return out.toString();
    }
}
