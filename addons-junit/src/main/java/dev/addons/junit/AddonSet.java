package dev.addons.junit;

import dev.addons.api.AddonException;
import dev.addons.api.AddonNotFoundException;
import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.Credentials;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.spi.AddonProvider;
import dev.addons.core.Addons;
import dev.addons.core.App;
import dev.addons.core.Environment;
import dev.addons.core.PooledDataSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The addons of one scope: an app of its own in the environment {@code test}, provisioned in
 * parallel when opened, and deprovisioned (data sources closed first, system properties restored)
 * when closed. Thread-safe.
 */
final class AddonSet implements AutoCloseable {
    static final String ENVIRONMENT = "test";
    private static final Logger LOG = LoggerFactory.getLogger(AddonSet.class);

    private final Addons addons;
    private final String app;
    private final Declaration declaration;
    private final List<AddonRecord> records;
    private final Credentials credentials;
    private final Environment environment;
    private final FrameworkProperties properties;
    private final Map<String, PooledDataSource> dataSources = new java.util.LinkedHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private AddonSet(Addons addons, String app, Declaration declaration, List<AddonRecord> records) {
        this.addons = addons;
        this.app = app;
        this.declaration = declaration;
        this.records = List.copyOf(records);
        this.credentials = addons.app(app, ENVIRONMENT).env();
        this.environment = Environment.resolve(addons, app, ENVIRONMENT);
        this.properties = declaration.frameworkProperties()
                ? FrameworkProperties.set(FrameworkProperties.of(addons, app, ENVIRONMENT, this.records)) : null;
    }

    /**
     * Provisions the declared addons for {@code app} and waits until all are active; the SQL ones
     * as copies of {@code templateApp}'s when it is not {@code null}. When one fails, the others
     * are deprovisioned again and the failure is thrown.
     */
    static AddonSet open(Addons addons, String app, Declaration declaration, String templateApp) {
        long started = System.nanoTime();
        List<CompletableFuture<AddonRecord>> futures = new ArrayList<>();
        try {
            for (AddonSpec spec : declaration.specs()) {
                futures.add(templateApp != null && Templates.isSql(addons, spec)
                        ? CompletableFuture.supplyAsync(() -> Templates.copy(addons, app, declaration, spec, templateApp))
                        : createAsync(addons, app, declaration, spec));
            }
            List<AddonRecord> records = new ArrayList<>();
            for (CompletableFuture<AddonRecord> future : futures) {
                records.add(future.join());
            }
            AddonSet set = new AddonSet(addons, app, declaration, records);
            LOG.info("{} - Provisioned {} for {} in {} ms", app, declaration.describe(),
                    declaration.declaredOn().getSimpleName(), (System.nanoTime() - started) / 1_000_000);
            return set;
        } catch (RuntimeException e) {
            RuntimeException failure = e instanceof CompletionException && e.getCause() instanceof RuntimeException r
                    ? r : e;
            futures.forEach(f -> f.exceptionally(t -> null).join());
            destroyAll(addons, app, failure);
            throw failure;
        }
    }

    /** Starts creating {@code spec}; input the core refuses at once is reported as the annotation's misuse. */
    private static CompletableFuture<AddonRecord> createAsync(Addons addons, String app, Declaration declaration,
            AddonSpec spec) {
        try {
            return addons.app(app, ENVIRONMENT).createAsync(spec);
        } catch (AddonNotFoundException | InvalidSpecException e) {
            throw new ExtensionConfigurationException("@WithAddon(name = \"" + spec.addon() + "\""
                    + spec.versionIfSet().map(v -> ", version = \"" + v + "\"").orElse("")
                    + spec.variantIfSet().map(v -> ", variant = \"" + v + "\"").orElse("")
                    + ") on " + declaration.declaredOn().getName() + ": " + e.getMessage(), e);
        }
    }

    String app() {
        return app;
    }

    Declaration declaration() {
        return declaration;
    }

    List<AddonRecord> records() {
        return records;
    }

    /** The set's SQL addons (whose providers declare a JDBC URL), in declaration order. */
    List<String> sqlAddons() {
        return records.stream().map(AddonRecord::addon).filter(a -> Templates.isSql(addons, a)).toList();
    }

    /** The SQL addons that can be declared here, by name. */
    List<String> sqlAddonsAvailable() {
        return addons.providers().sql().stream().map(p -> p.descriptor().name()).toList();
    }

    Credentials credentials() {
        return credentials;
    }

    Environment environment() {
        return environment;
    }

    /** The pool on {@code addon}'s database, made on first use and closed with this set. */
    synchronized DataSource dataSource(String addon) {
        if (closed.get()) {
            throw new IllegalStateException("the addons of " + app + " are deprovisioned");
        }
        return dataSources.computeIfAbsent(addon, a ->
                Environment.of(ENVIRONMENT, addons.app(app, ENVIRONMENT).credentials(a).toMap()).dataSource());
    }

    /**
     * Closes the data sources, restores the system properties and deprovisions; idempotent, and
     * nothing once {@linkplain #release() released}.
     */
    @Override
    public void close() {
        AddonException failure = new AddonException("Deprovisioning the addons of " + app + " failed");
        if (!release(failure)) {
            return;
        }
        destroyAll(addons, app, failure);
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
        LOG.info("{} - Deprovisioned {}", app, declaration.describe());
    }

    /**
     * Ends the set's use and leaves its addons to be destroyed with the run's home (see
     * {@link RunState#end}): closes the data sources and restores the system properties; idempotent.
     */
    void release() {
        AddonException failure = new AddonException("Closing the connections of " + app + " failed");
        release(failure);
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    /** Closes the data sources and restores the system properties, once; false when done before. */
    private boolean release(AddonException failure) {
        if (closed.getAndSet(true)) {
            return false;
        }
        synchronized (this) {
            for (PooledDataSource pool : dataSources.values()) {
                try {
                    pool.close();
                } catch (RuntimeException e) {
                    failure.addSuppressed(e);
                }
            }
        }
        if (properties != null) {
            properties.restore();
        }
        return true;
    }

    /** Destroys every addon of {@code app}, the failed ones too, newest first. */
    private static void destroyAll(Addons addons, String app, RuntimeException failure) {
        App handle = addons.app(app, ENVIRONMENT);
        List<AddonRecord> left = new ArrayList<>(handle.list());
        java.util.Collections.reverse(left);
        for (AddonRecord record : left) {
            try {
                // A test scope's data is the test's own: nothing to keep once it ends.
                handle.destroy(record.addon(), dev.addons.core.FinalBackup.SKIP);
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }

    /** The variables by name, real values. */
    Map<String, String> variables() {
        return credentials.toMap();
    }
}
