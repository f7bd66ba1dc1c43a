package dev.addons.spring.boot;

import dev.addons.spring.boot.AddonConnections.AddonProperties;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.util.Optional;
import org.springframework.boot.autoconfigure.r2dbc.R2dbcConnectionDetails;

/**
 * R2DBC's {@code ConnectionDetails} for the SQL addon that maps {@code spring.datasource.url}: its
 * JDBC URL {@code jdbc:<driver>://host:port/database} read as {@code r2dbc:<driver>://...} (the
 * JDBC subprotocols of PostgreSQL and MySQL/MariaDB are their R2DBC drivers' names too), with the
 * user and password as options. Only used when R2DBC is on the class path. Immutable;
 * {@link #toString()} shows no password.
 *
 * @since 0.1.0
 */
public final class AddonR2dbcConnectionDetails implements R2dbcConnectionDetails {
    private final String addon;
    private final ConnectionFactoryOptions options;

    private AddonR2dbcConnectionDetails(String addon, ConnectionFactoryOptions options) {
        this.addon = addon;
        this.options = options;
    }

    /** R2DBC's details, from the first addon that maps {@code spring.datasource.url}; empty when none does. */
    public static Optional<R2dbcConnectionDetails> of(AddonConnections connections) {
        return connections.providing(AddonConnectionDetails.DATASOURCE_URL).map(AddonR2dbcConnectionDetails::of);
    }

    private static AddonR2dbcConnectionDetails of(AddonProperties addon) {
        String jdbc = addon.require(AddonConnectionDetails.DATASOURCE_URL);
        if (!jdbc.startsWith("jdbc:")) {
            throw new IllegalStateException("Addon " + addon.addon() + " maps " + AddonConnectionDetails.DATASOURCE_URL
                    + " to a URL that does not start with jdbc:, which R2DBC cannot read");
        }
        ConnectionFactoryOptions.Builder options = ConnectionFactoryOptions.parse("r2dbc:" + jdbc.substring(5)).mutate();
        String user = addon.get("spring.datasource.username");
        String password = addon.get("spring.datasource.password");
        if (user != null) {
            options.option(ConnectionFactoryOptions.USER, user);
        }
        if (password != null) {
            options.option(ConnectionFactoryOptions.PASSWORD, password);
        }
        return new AddonR2dbcConnectionDetails(addon.addon(), options.build());
    }

    @Override
    public ConnectionFactoryOptions getConnectionFactoryOptions() {
        return options;
    }

    @Override
    public String toString() {
        // ConnectionFactoryOptions masks the password itself; the addon says where it comes from.
        return "AddonR2dbcConnectionDetails[addon=" + addon + ", " + options + "]";
    }
}
