package dev.addons.core.internal;

import dev.addons.api.Endpoint;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.Redaction;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

/**
 * The URL an external server is registered with, e.g.
 * {@code postgresql://admin:pw@db.internal:5432/postgres}: its scheme is the addon's name or an
 * alias, it names an admin user and password, a host and, unless the engine's usual one, a port.
 * The path (a database) is allowed and not used: the provider connects to its engine's
 * maintenance database. The only query allowed asks for verified TLS, in either engine's words:
 * {@code sslmode=verify-full} (PostgreSQL) or {@code sslMode=VERIFY_IDENTITY} (MySQL). Messages
 * show the URL with its password replaced by {@code ***}.
 *
 * @param endpoint      where the server listens
 * @param adminUser     the admin user
 * @param adminPassword its password
 * @param verifyTls     whether the URL asks for TLS with the server's certificate and host name verified
 */
record ExternalUrl(Endpoint endpoint, String adminUser, String adminPassword, boolean verifyTls) {
    /** The queries that ask for verified TLS, as the URL may spell them. */
    static final String TLS_QUERIES = "sslmode=verify-full (PostgreSQL) or sslMode=VERIFY_IDENTITY (MySQL)";

    @Override
    public String toString() {
        return "ExternalUrl[" + endpoint + ", adminUser=" + adminUser + ", adminPassword=<redacted>]";
    }

    /** {@code url} with its password replaced by {@code ***} ({@link Redaction#url}). */
    static String redact(String url) {
        return Redaction.url(url);
    }

    /** Parses {@code url} for {@code provider}, whose usual port is {@code defaultPort}. */
    static ExternalUrl parse(String url, AddonProvider provider, int defaultPort) {
        if (url == null || url.isBlank()) {
            throw bad("is empty", null, "e.g. " + example(provider.descriptor().name(), defaultPort));
        }
        String shown = Names.printable(redact(url.strip()));
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            // Not e.getMessage(): it quotes the URL, password included.
            throw bad("'" + shown + "' is not a URL", null, "e.g. " + example(provider.descriptor().name(), defaultPort)
                    + ", with % @ / ? # : and spaces in the user and password percent-encoded (%40 for @)");
        }
        Set<String> schemes = new TreeSet<>(provider.descriptor().aliases());
        schemes.add(provider.descriptor().name());
        if (uri.getScheme() == null || !schemes.contains(uri.getScheme())) {
            throw bad("'" + shown + "' has scheme '" + (uri.getScheme() == null ? "" : uri.getScheme()) + "'",
                    "scheme", "for --addon " + provider.descriptor().name() + ": " + schemes);
        }
        if (uri.getRawAuthority() == null || uri.getHost() == null) {
            throw bad("'" + shown + "' names no host", "host",
                    "a host name or address, e.g. " + example(provider.descriptor().name(), defaultPort));
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null || userInfo.indexOf(':') <= 0) {
            throw bad("'" + shown + "' has no admin user and password", "user", "USER:PASSWORD@ before the host, e.g. "
                    + example(provider.descriptor().name(), defaultPort));
        }
        if (uri.getRawFragment() != null) {
            throw bad("'" + shown + "' has a fragment", "fragment", "none");
        }
        String query = uri.getRawQuery();
        boolean verifyTls = query != null;
        if (verifyTls && !query.equals("sslmode=verify-full") && !query.equals("sslMode=VERIFY_IDENTITY")) {
            throw bad("'" + shown + "' has the query '" + Names.printable(query) + "'", "query",
                    "none, or " + TLS_QUERIES + " with --ca-file: addons sets the connection's other options");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (!path.matches("/?[^/]*")) {
            throw bad("'" + shown + "' has the path '" + Names.printable(path) + "'", "path",
                    "nothing, '/' or one database name");
        }
        int port = uri.getPort() == -1 ? defaultPort : uri.getPort();
        if (port < 1 || port > 65535) {
            throw bad("'" + shown + "' has the port " + port, "port", "1-65535");
        }
        String user = decode(userInfo.substring(0, userInfo.indexOf(':')));
        String password = decode(userInfo.substring(userInfo.indexOf(':') + 1));
        if (password.isEmpty()) {
            throw bad("'" + shown + "' has an empty password", "password", "the admin user's password");
        }
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        return new ExternalUrl(new Endpoint(host, port), user, password, verifyTls);
    }

    /** A percent-decoded user or password; {@link URI} has checked its escapes. */
    private static String decode(String part) {
        return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String example(String scheme, int port) {
        return scheme + "://admin:PASSWORD@127.0.0.1:" + port + "/";
    }

    private static InvalidSpecException bad(String problem, String part, String allowed) {
        return new InvalidSpecException("--url " + problem + (part == null ? "" : " (" + part + ")")
                + ": use " + allowed);
    }
}
