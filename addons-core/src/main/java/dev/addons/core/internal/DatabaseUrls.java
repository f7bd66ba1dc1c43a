package dev.addons.core.internal;

import dev.addons.api.AddonException;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.JdbcUrl;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a SQL addon's URL ({@code postgres://user:pass@host:port/db}) into what JDBC needs, as
 * the {@link JdbcUrl} its provider declares says: the scheme becomes the JDBC subprotocol, the
 * user and password are taken out and decoded. Knows no engine. Error messages never repeat the
 * URL, which holds a password. Stateless and thread-safe.
 */
public final class DatabaseUrls {

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

    /**
     * Parses {@code url}, which {@code variable} named, as the JDBC URLs of the providers on
     * addons-core's class path declare.
     */
    public static Jdbc toJdbc(String variable, String url) {
        List<JdbcUrl> declared = new ArrayList<>();
        for (AddonProvider provider : ProviderRegistry.describing(DatabaseUrls.class.getClassLoader()).all()) {
            provider.jdbcUrl().ifPresent(declared::add);
        }
        return toJdbc(variable, url, declared);
    }

    /**
     * Parses {@code url}, which {@code variable} named, as {@code declared} says: its scheme must
     * be one of theirs for that variable (of any of them, when none is for that variable).
     */
    public static Jdbc toJdbc(String variable, String url, List<JdbcUrl> declared) {
        Map<String, String> subprotocols = new LinkedHashMap<>();
        declared.stream().filter(j -> j.variable().equals(variable)).forEach(j -> j.subprotocols()
                .forEach(subprotocols::putIfAbsent));
        if (subprotocols.isEmpty()) {
            declared.forEach(j -> j.subprotocols().forEach(subprotocols::putIfAbsent));
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new AddonException(variable + " is not a valid URL (its value is not shown: it holds a password)");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        String jdbcScheme = subprotocols.get(scheme);
        if (jdbcScheme == null || uri.getHost() == null) {
            throw new AddonException(variable + " has scheme '" + scheme + "' and host " + uri.getHost() + ": "
                    + (subprotocols.isEmpty() ? "no addon provider on the class path declares a JDBC URL; add the"
                            + " module of a SQL addon"
                            : "expected " + expected(subprotocols) + " with a host"));
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

    /** {@code postgres://, postgresql:// or mysql://}. */
    private static String expected(Map<String, String> subprotocols) {
        List<String> schemes = subprotocols.keySet().stream().map(s -> s + "://").toList();
        return schemes.size() == 1 ? schemes.get(0)
                : String.join(", ", schemes.subList(0, schemes.size() - 1)) + " or " + schemes.get(schemes.size() - 1);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
