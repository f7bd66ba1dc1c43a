package dev.addons.core;

import com.zaxxer.hikari.HikariConfig;
import dev.addons.api.AddonException;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.JdbcUrl;
import dev.addons.core.internal.DatabaseUrls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
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
 * them (as {@code addons run} does), otherwise it reads them from the addons home for the app
 * named by {@code ADDONS_APP} in {@code ADDONS_ENV} (default {@code production}).
 * {@link #current(Duration)} first waits while those addons are {@code pending} or
 * {@code provisioning}, so a program started next to a deploy is held until its addons are
 * active, as {@code addons run --wait} holds its command. Reading the home is cheap: only its
 * records are read ({@link RecordedAddons}), no runtime is probed and nothing is reconciled.
 *
 * <p>Which variables are addons' is what the providers on the class path declare
 * ({@link AddonProviders}): a process environment holding one of their
 * {@linkplain dev.addons.api.spi.AddonVariables#markers() markers} was injected.
 */
public final class Environment {
    private final String name;
    private final Map<String, String> variables;
    private final String source;

    private Environment(String name, Map<String, String> variables, String source) {
        this.name = Objects.requireNonNull(name, "name == null");
        this.variables = Collections.unmodifiableMap(new LinkedHashMap<>(variables));
        this.source = source;
    }

    /** The environment of this process: injected variables, or read from the addons home. */
    public static Environment current() {
        return current(System.getenv(), null);
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
        return current(System.getenv(), Objects.requireNonNull(wait, "wait == null"));
    }

    /**
     * The environment of a process whose variables are {@code process}: those variables when they
     * hold an injected addon's or name no app, else the app's read from the addons home's
     * records, after waiting up to {@code wait} (unless {@code null}) for its addons to be ready.
     */
    static Environment current(Map<String, String> process, Duration wait) {
        String environment = process.getOrDefault("ADDONS_ENV", Addons.DEFAULT_ENVIRONMENT);
        String app = process.get("ADDONS_APP");
        boolean injected = AddonProviders.found().injectionMarkers().stream().anyMatch(process::containsKey);
        if (injected || app == null || app.isBlank()) {
            return new Environment(environment, process, "the process environment");
        }
        RecordedAddons recorded = RecordedAddons.open(Addons.defaultHome(process));
        if (wait != null) {
            recorded.awaitReady(app, environment, wait, (record, from) -> { });
        }
        return new Environment(environment, recorded.env(app, environment).toMap(),
                "app '" + app + "' in addons home " + recorded.home());
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
            AddonProviders providers = AddonProviders.found();
            Set<String> known = new TreeSet<>(variables.keySet());
            known.retainAll(providers.variableNames());
            throw new AddonException("Variable " + variable + " is not set in environment '" + name + "' (read from "
                    + source + "). Addon variables present: " + known + ". " + howToAdd(providers, variable));
        }
        return value;
    }

    /** All variables. Handle as secrets. */
    public Map<String, String> variables() {
        return variables;
    }

    /**
     * A HikariCP pool built from a SQL addon's URL ({@code DATABASE_URL}: the variable its
     * provider's {@link JdbcUrl} names); close it when done (try-with-resources). The JDBC driver of the database (e.g.
     * {@code org.postgresql:postgresql}) must be on the class path. Throws an
     * {@link AddonException} when the variable is missing or no SQL addon's provider is on the
     * class path.
     */
    public PooledDataSource dataSource() {
        List<JdbcUrl> declared = AddonProviders.found().jdbcUrls();
        if (declared.isEmpty()) {
            throw new AddonException("No SQL addon's provider is on the class path (none of "
                    + AddonProviders.found().all().stream().map(p -> p.descriptor().name()).toList()
                    + " declares a JDBC URL): add the module of the SQL addon whose variables environment '" + name
                    + "' holds");
        }
        String variable = declared.stream().map(JdbcUrl::variable).filter(variables::containsKey).findFirst()
                .orElse(declared.get(0).variable());
        DatabaseUrls.Jdbc jdbc = DatabaseUrls.toJdbc(variable, require(variable), declared);
        HikariConfig config = new HikariConfig();
        config.setPoolName("addons-" + name);
        config.setJdbcUrl(jdbc.jdbcUrl());
        config.setUsername(jdbc.user());
        config.setPassword(jdbc.password());
        config.setMaximumPoolSize(5);
        return new dev.addons.core.internal.HikariPool(config);
    }

    /** Which addon to create for {@code variable}: the one whose provider declares it, else an example. */
    private String howToAdd(AddonProviders providers, String variable) {
        String command = " -a APP --env " + name;
        List<String> declaring = providers.declaring(variable).stream().map(p -> p.descriptor().name()).toList();
        if (declaring.size() == 1) {
            return "Add the addon that provides it: addons create " + declaring.get(0) + command;
        }
        if (declaring.size() > 1) {
            return "Add an addon that provides it (" + String.join(" or ", declaring) + "), e.g. addons create "
                    + declaring.get(0) + command;
        }
        List<AddonProvider> all = providers.all();
        return all.isEmpty() ? "No addon provider is on the class path: add the module of the addon that provides it"
                : "Add the addon that provides it, e.g. addons create " + all.get(0).descriptor().name() + command;
    }

    @Override
    public String toString() {
        return "Environment[" + name + ", variables=" + new TreeSet<>(variables.keySet()) + "]";
    }
}
