package dev.addons.spring.boot.test;

import dev.addons.api.AddonException;
import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.core.Addons;
import dev.addons.core.App;
import dev.addons.core.Environment;
import dev.addons.core.FinalBackup;
import dev.addons.spring.boot.AddonConnections;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The addons of one test context: an app of their own, in environment {@code test}, in a home of
 * their own (a new directory under {@code java.io.tmpdir}), so that contexts never share state or
 * a lock and may start in parallel. Dedicated servers are throwaway ones (no waiting for the disk).
 * {@link #close()} destroys the addons without a final backup, closes the {@link Addons} and deletes
 * the home; idempotent. Thread-safe.
 */
final class TestAddons implements AutoCloseable {
    static final String ENVIRONMENT = "test";
    private static final Logger LOG = LoggerFactory.getLogger(TestAddons.class);

    private final Path home;
    private final Addons addons;
    private final App app;
    private final Environment environment;
    private final AddonConnections connections;
    private final AtomicBoolean closed = new AtomicBoolean();

    private TestAddons(Path home, Addons addons, App app) {
        this.home = home;
        this.addons = addons;
        this.app = app;
        this.environment = Environment.resolve(addons, app.name(), ENVIRONMENT);
        this.connections = AddonConnections.of(environment, addons.providers());
    }

    /**
     * Provisions {@code specs} in parallel on {@code runtime} for {@code testClass}'s context and
     * waits until all are active; when one fails, whatever was made is removed and the failure thrown.
     */
    static TestAddons provision(List<AddonSpec> specs, String runtime, Class<?> testClass) {
        long started = System.nanoTime();
        Path home;
        try {
            home = Files.createTempDirectory("addons-spring-").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the addons home for " + testClass.getName(), e);
        }
        Addons addons = null;
        App app = null;
        try {
            addons = Addons.builder().home(home).runtime(runtime).automaticBackups(false).throwawayServers(true)
                    .build();
            app = addons.app(appName(testClass), ENVIRONMENT);
            List<CompletableFuture<AddonRecord>> futures = new ArrayList<>();
            try {
                for (AddonSpec spec : specs) {
                    futures.add(app.createAsync(spec));
                }
                for (CompletableFuture<AddonRecord> future : futures) {
                    future.join();
                }
            } finally {
                futures.forEach(f -> f.exceptionally(t -> null).join());
            }
            TestAddons set = new TestAddons(home, addons, app);
            LOG.info("{} - Provisioned {} for {} in {} ms", app.name(), specs, testClass.getSimpleName(),
                    (System.nanoTime() - started) / 1_000_000);
            return set;
        } catch (RuntimeException e) {
            RuntimeException failure = e instanceof CompletionException && e.getCause() instanceof RuntimeException r
                    ? r : e;
            if (app != null) {
                destroyAll(app, failure);
            }
            if (addons != null) {
                addons.close();
            }
            delete(home);
            throw failure;
        }
    }

    /** {@code t-<class>-<random>}, at most 40 characters, as the JUnit extension names its apps. */
    private static String appName(Class<?> testClass) {
        String slug = testClass.getSimpleName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36, 36 * 36 * 36 * 36), 36);
        int room = 40 - "t-".length() - "-".length() - suffix.length();
        slug = slug.length() > room ? slug.substring(0, room).replaceAll("-+$", "") : slug;
        return "t-" + (slug.isEmpty() ? "" : slug + "-") + suffix;
    }

    /** The home the context's addons live in, deleted on {@link #close()}. */
    Path home() {
        return home;
    }

    App app() {
        return app;
    }

    Environment environment() {
        return environment;
    }

    AddonConnections connections() {
        return connections;
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        AddonException failure = new AddonException("Deprovisioning the addons of " + app.name() + " failed");
        destroyAll(app, failure);
        addons.close();
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
        delete(home);
        LOG.info("{} - Deprovisioned", app.name());
    }

    /** Destroys every addon of {@code app}, newest first, without a final backup: a test's data is its own. */
    private static void destroyAll(App app, RuntimeException failure) {
        List<AddonRecord> left = new ArrayList<>(app.list());
        Collections.reverse(left);
        for (AddonRecord record : left) {
            try {
                app.destroy(record.addon(), FinalBackup.SKIP);
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }

    private static void delete(Path directory) {
        try (Stream<Path> all = Files.walk(directory)) {
            for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete the test addons home {}: {}", directory, e.toString());
        }
    }
}
