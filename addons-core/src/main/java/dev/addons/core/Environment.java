package dev.addons.core;

import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What a host program reads its addons' values from, for the environment it runs in. Values
 * come from the process environment when a platform injected them ({@code DATABASE_URL} and
 * friends are set), otherwise from the addons home for {@code ADDONS_APP} in
 * {@code ADDONS_ENV} (default {@code production}). Immutable and thread-safe.
 */
public final class Environment {
    /** The environment of this process: injected variables, or resolved from the addons home. */
    public static Environment current() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** An environment over given variables. */
    public static Environment of(String name, Map<String, String> variables) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The values of {@code app}'s ACTIVE addons in {@code environment}, from {@code addons}. */
    public static Environment resolve(Addons addons, String app, String environment) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The environment's name, e.g. {@code production}. */
    public String name() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public Optional<String> get(String variable) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The value of {@code variable}; throws {@link dev.addons.api.AddonException} naming it when missing. */
    public String require(String variable) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** All variables. Handle as secrets. */
    public Map<String, String> variables() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** A HikariCP pool built from {@code DATABASE_URL}; close it when done. Needs the JDBC driver. */
    public DataSource dataSource() {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
