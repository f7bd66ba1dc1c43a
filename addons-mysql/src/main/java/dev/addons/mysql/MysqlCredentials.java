package dev.addons.mysql;

import dev.addons.api.Credentials;
import dev.addons.api.Endpoint;
import dev.addons.api.Variable;
import dev.addons.api.spi.Binding;
import java.nio.charset.StandardCharsets;

/**
 * Turns a tenant's {@link Binding} into the variables MySQL clients and most frameworks read:
 * {@code DATABASE_URL} ({@code mysql://user:pass@host:port/db}), {@code MYSQL_HOST},
 * {@code MYSQL_PORT}, {@code MYSQL_USER}, {@code MYSQL_PASSWORD} and {@code MYSQL_DATABASE}, in
 * that order; the URL and the password are marked sensitive. Stateless and thread-safe.
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

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private MysqlCredentials() {
    }

    static Credentials of(Binding binding, Endpoint endpoint) {
        String user = binding.require(USER);
        String password = binding.require(PASSWORD);
        String database = binding.require(DATABASE);
        String url = "mysql://" + percentEncode(user) + ":" + percentEncode(password) + "@" + hostInUrl(endpoint)
                + ":" + endpoint.port() + "/" + percentEncode(database);
        return Credentials.of(
                Variable.secret("DATABASE_URL", url),
                Variable.plain("MYSQL_HOST", endpoint.host()),
                Variable.plain("MYSQL_PORT", Integer.toString(endpoint.port())),
                Variable.plain("MYSQL_USER", user),
                Variable.secret("MYSQL_PASSWORD", password),
                Variable.plain("MYSQL_DATABASE", database));
    }

    /** The endpoint's host as a URL (or JDBC URL) holds it: an IPv6 literal in brackets. */
    static String hostInUrl(Endpoint endpoint) {
        String host = endpoint.host();
        return host.indexOf(':') < 0 || host.startsWith("[") ? host : "[" + host + "]";
    }

    /**
     * {@code text} as UTF-8 with every byte outside RFC 3986's unreserved set ({@code A-Z a-z
     * 0-9 - . _ ~}) written as {@code %XX}. Never {@code +} for a space, as form encoding
     * ({@link java.net.URLEncoder}) would: URL parsers read that back as a plus.
     */
    static String percentEncode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder encoded = new StringBuilder(bytes.length * 3);
        for (byte b : bytes) {
            char c = (char) (b & 0xFF);
            boolean unreserved = Character.isLetterOrDigit(c) && c < 0x80 || "-._~".indexOf(c) >= 0;
            if (unreserved) {
                encoded.append(c);
            } else {
                encoded.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return encoded.toString();
    }
}
