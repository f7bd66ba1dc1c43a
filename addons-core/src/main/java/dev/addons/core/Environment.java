package dev.addons.core;

import com.zaxxer.hikari.HikariConfig;
import dev.addons.api.AddonException;
import dev.addons.core.internal.DatabaseUrls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a host program reads its addons' values from, for the environment it runs in
 * ({@code production}, {@code staging}...). The same variable names resolve to different servers
 * in different environments. Immutable and thread-safe.
 *
 * <p>{@link #current()} takes the values from the process environment when a platform injected
 * them (as {@code addons run} does), otherwise it resolves them from the addons home for the app
 * named by {@code ADDONS_APP} in {@code ADDONS_ENV} (default {@code production}).
 * {@link #current(Duration)} first waits while those addons are {@code pending} or
 * {@code provisioning}, so a program started next to a deploy is held until its addons are
 * active, as {@code addons run --wait} holds its command.
 */
public final class Environment {
    /** Variables whose presence in the process environment means a platform injected addons. */
    private static final Set<String> INJECTED_MARKERS = Set.of("DATABASE_URL", "PGHOST", "REDIS_URL", "VALKEY_URL",
            "RABBITMQ_URL", "MEMCACHE_URL", "MYSQL_HOST");

    private final String name;
    private final Map<String, String> variables;
    private final String source;

    private Environment(String name, Map<String, String> variables, String source) {
        this.name = Objects.requireNonNull(name, "name == null");
        this.variables = Collections.unmodifiableMap(new LinkedHashMap<>(variables));
        this.source = source;
    }

    /** The environment of this process: injected variables, or resolved from the addons home. */
    public static Environment current() {
        Map<String, String> process = System.getenv();
        String environment = process.getOrDefault("ADDONS_ENV", Addons.DEFAULT_ENVIRONMENT);
        String app = process.get("ADDONS_APP");
        boolean injected = INJECTED_MARKERS.stream().anyMatch(process::containsKey);
        if (injected || app == null || app.isBlank()) {
            return new Environment(environment, process, "the process environment");
        }
        try (Addons addons = Addons.builder().build()) {
            return resolve(addons, app, environment);
        }
    }

    /**
     * {@link #current()}, waiting up to {@code wait} while the app's addons are {@code pending}
     * or {@code provisioning} (or not recorded yet) when the values come from the addons home;
     * injected values are taken at once. Throws {@link dev.addons.api.ProvisioningException}
     * naming the addon and its status when one is failed or stopped, or is still not active
     * when {@code wait} passes.
     *
     * @since 0.1.0
     */
    public static Environment current(Duration wait) {
        Objects.requireNonNull(wait, "wait == null");
        Map<String, String> process = System.getenv();
        String environment = process.getOrDefault("ADDONS_ENV", Addons.DEFAULT_ENVIRONMENT);
        String app = process.get("ADDONS_APP");
        boolean injected = INJECTED_MARKERS.stream().anyMatch(process::containsKey);
        if (injected || app == null || app.isBlank()) {
            return new Environment(environment, process, "the process environment");
        }
        try (Addons addons = Addons.builder().build()) {
            return resolve(addons, app, environment, wait);
        }
    }

    /**
     * {@link #resolve(Addons, String, String)} once the app's addons are active, waiting up to
     * {@code wait} as {@link App#awaitReady} does.
     *
     * @since 0.1.0
     */
    public static Environment resolve(Addons addons, String app, String environment, Duration wait) {
        addons.app(app, environment).awaitReady(wait, (record, from) -> { });
        return resolve(addons, app, environment);
    }

    /** An environment over given variables. */
    public static Environment of(String name, Map<String, String> variables) {
        return new Environment(name, variables, "the given variables");
    }

    /** The values of {@code app}'s ACTIVE addons in {@code environment}, from {@code addons}. */
    public static Environment resolve(Addons addons, String app, String environment) {
        Path home = addons.home();
        return new Environment(environment, addons.app(app, environment).env().toMap(),
                "app '" + app + "' in addons home " + home);
    }

    /** The environment's name, e.g. {@code production}. */
    public String name() {
        return name;
    }

    public Optional<String> get(String variable) {
        return Optional.ofNullable(variables.get(variable));
    }

    /** The value of {@code variable}; throws an {@link AddonException} naming it when missing. */
    public String require(String variable) {
        String value = variables.get(variable);
        if (value == null) {
            Set<String> known = new TreeSet<>(variables.keySet());
            known.retainAll(addonVariables(known));
            throw new AddonException("Variable " + variable + " is not set in environment '" + name + "' (read from "
                    + source + "). Addon variables present: " + known
                    + ". Add the addon that provides it, e.g. addons create postgresql -a APP --env " + name);
        }
        return value;
    }

    /** All variables. Handle as secrets. */
    public Map<String, String> variables() {
        return variables;
    }

    /**
     * A HikariCP pool built from {@code DATABASE_URL}; close it when done (try-with-resources).
     * The JDBC driver of the database (e.g. {@code org.postgresql:postgresql}) must be on the
     * class path.
     */
    public PooledDataSource dataSource() {
        DatabaseUrls.Jdbc jdbc = DatabaseUrls.toJdbc("DATABASE_URL", require("DATABASE_URL"));
        HikariConfig config = new HikariConfig();
        config.setPoolName("addons-" + name);
        config.setJdbcUrl(jdbc.jdbcUrl());
        config.setUsername(jdbc.user());
        config.setPassword(jdbc.password());
        config.setMaximumPoolSize(5);
        return new dev.addons.core.internal.HikariPool(config);
    }

    private static Set<String> addonVariables(Set<String> names) {
        Set<String> out = new TreeSet<>();
        for (String n : names) {
            if (n.startsWith("PG") || n.startsWith("MYSQL_") || n.startsWith("REDIS_") || n.startsWith("VALKEY_")
                    || n.startsWith("RABBITMQ_") || n.startsWith("MEMCACHE_") || n.equals("DATABASE_URL")) {
                out.add(n);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "Environment[" + name + ", variables=" + new TreeSet<>(variables.keySet()) + "]";
    }
}
