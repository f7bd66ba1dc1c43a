package dev.addons.api.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a JDBC driver reaches a tenant of a SQL engine, declared by its provider: the variable
 * that holds the tenant's URL ({@code scheme://user:password@host:port/database?options}) and
 * the JDBC subprotocol each scheme of that URL stands for. addons turns such a URL into
 * {@code jdbc:<subprotocol>://host:port/database?options}, with the user and password apart
 * (percent-decoded), which is what {@code Environment.dataSource()} and the JUnit extension's
 * {@code DataSource} connect with; the options go to the driver as they are. Immutable and
 * thread-safe.
 *
 * @param variable     the variable holding the URL, e.g. {@code DATABASE_URL}; one of the
 *                     provider's {@link AddonVariables#names()}
 * @param subprotocols each scheme the URL may have, with its JDBC subprotocol, in order, e.g.
 *                     {@code postgres} and {@code postgresql} to {@code postgresql}; not empty,
 *                     schemes in lower case
 * @since 0.3
 */
public record JdbcUrl(String variable, Map<String, String> subprotocols) {

    public JdbcUrl {
        Objects.requireNonNull(variable, "variable == null");
        if (!variable.matches("[A-Z][A-Z0-9_]*")) {
            throw new IllegalArgumentException("variable name must match [A-Z][A-Z0-9_]*: " + variable);
        }
        Objects.requireNonNull(subprotocols, "subprotocols == null");
        if (subprotocols.isEmpty()) {
            throw new IllegalArgumentException("subprotocols is empty");
        }
        Map<String, String> copy = new LinkedHashMap<>();
        subprotocols.forEach((scheme, subprotocol) -> {
            Objects.requireNonNull(scheme, "scheme == null");
            Objects.requireNonNull(subprotocol, "subprotocol of " + scheme + " == null");
            if (!scheme.matches("[a-z][a-z0-9+.-]*")) {
                throw new IllegalArgumentException("scheme must match [a-z][a-z0-9+.-]*: " + scheme);
            }
            if (!subprotocol.matches("[a-z][a-z0-9]*")) {
                throw new IllegalArgumentException("subprotocol must match [a-z][a-z0-9]*: " + subprotocol);
            }
            copy.put(scheme, subprotocol);
        });
        subprotocols = Collections.unmodifiableMap(copy);
    }

    /** A URL in {@code variable} whose schemes are {@code schemesAndSubprotocols} pairs, in order. */
    public static JdbcUrl of(String variable, String... schemesAndSubprotocols) {
        if (schemesAndSubprotocols.length % 2 != 0) {
            throw new IllegalArgumentException("schemes and subprotocols must pair up");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < schemesAndSubprotocols.length; i += 2) {
            map.put(schemesAndSubprotocols[i], schemesAndSubprotocols[i + 1]);
        }
        return new JdbcUrl(variable, map);
    }
}
