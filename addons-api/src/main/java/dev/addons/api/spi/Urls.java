package dev.addons.api.spi;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Building blocks for the connection URLs providers hand to apps ({@code redis://:pass@host:port},
 * {@code memcache://host:port}, ...). Stateless and thread-safe.
 *
 * @since 0.1
 */
public final class Urls {
    private static final String HEX = "0123456789ABCDEF";

    private Urls() {
    }

    /** {@code host} as it stands in a URL: an IPv6 literal in brackets, anything else as is. */
    public static String host(String host) {
        Objects.requireNonNull(host, "host == null");
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /**
     * Percent-encodes everything but RFC 3986's unreserved characters, as UTF-8, for a user name,
     * password or path segment. Unlike {@link java.net.URLEncoder} (form encoding) it never writes
     * {@code +} for a space, which URL parsers would read back as a plus.
     */
    public static String encode(String component) {
        Objects.requireNonNull(component, "component == null");
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
