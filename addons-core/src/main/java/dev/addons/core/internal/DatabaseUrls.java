package dev.addons.core.internal;

import dev.addons.api.AddonException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Turns a {@code DATABASE_URL} ({@code postgres://user:pass@host:port/db}) into what JDBC needs.
 * Error messages never repeat the URL, which holds a password.
 */
public final class DatabaseUrls {
    private static final Map<String, String> JDBC_SCHEMES = Map.of(
            "postgres", "postgresql", "postgresql", "postgresql", "mysql", "mysql", "mariadb", "mariadb");

    private DatabaseUrls() {
    }

    /**
     * The parts of a database URL.
     *
     * @param jdbcUrl  e.g. {@code jdbc:postgresql://127.0.0.1:5432/myapp}
     * @param user     the decoded user name
     * @param password the decoded password (a secret)
     */
    public record Jdbc(String jdbcUrl, String user, String password) {
        @Override
        public String toString() {
            return "Jdbc[" + jdbcUrl + ", user=" + user + ", password=<redacted>]";
        }
    }

    /** Parses {@code url}, which {@code variable} named. */
    public static Jdbc toJdbc(String variable, String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new AddonException(variable + " is not a valid URL (its value is not shown: it holds a password)");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        String jdbcScheme = JDBC_SCHEMES.get(scheme);
        if (jdbcScheme == null || uri.getHost() == null) {
            throw new AddonException(variable + " has scheme '" + scheme + "' and host " + uri.getHost()
                    + ": expected postgres://, postgresql://, mysql:// or mariadb:// with a host");
        }
        String userInfo = uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo();
        int colon = userInfo.indexOf(':');
        String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
        String password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
        String host = uri.getHost();
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return new Jdbc("jdbc:" + jdbcScheme + "://" + host + port + path + query, user, password);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
