package dev.addons.junit;

import dev.addons.api.AddonException;
import dev.addons.api.AddonSpec;
import dev.addons.core.Addons;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one test run shares, kept in the root context's store: the addons home, an {@link Addons}
 * per runtime, the {@link Scope#RUN} sets, and unique app names for the other scopes. Closed when
 * the run ends: the run's sets are deprovisioned, then the home is deleted if the run made it.
 * Thread-safe: classes running concurrently share it.
 */
final class RunState implements AutoCloseable {
    /** The configuration parameter (or system property) naming the addons home. */
    static final String HOME_PARAMETER = "addons.junit.home";
    /** The configuration parameter naming the runtime that {@code runtime = "auto"} stands for. */
    static final String RUNTIME_PARAMETER = "addons.junit.runtime";
    private static final Logger LOG = LoggerFactory.getLogger(RunState.class);
    /** The process runtime's setting for a program that is busy until it exits (see README, Fast starts). */
    static final String SHORT_LIVED = "process.shortLived";
    /** How many ended sets a home of the run's own keeps until the run ends (see {@link #end}). */
    static final int ENDED_KEPT = 4;

    private final Path home;
    private final boolean temporary;
    private final String auto;
    private final Map<String, Addons> byRuntime = new ConcurrentHashMap<>();
    private final Map<Object, Memo<AddonSet>> runSets = new ConcurrentHashMap<>();
    private final Map<Object, Memo<String>> templates = new ConcurrentHashMap<>();
    private final Map<Object, Memo<String>> keepers = new ConcurrentHashMap<>();
    private final KeptApps kept;
    private final List<AddonSet> opened = new ArrayList<>();
    /** Sets whose scope ended, released and left for {@link #close()} to destroy with the home. */
    private final List<AddonSet> ended = new ArrayList<>();
    private final AtomicInteger apps = new AtomicInteger();
    private final String runId = Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36, 36 * 36 * 36 * 36),
            36);
    private final AtomicBoolean closed = new AtomicBoolean();

    /** {@code maxUnused}: how long kept apps may go unused, {@code null} for ever; ignored unless {@code keep}. */
    private RunState(Path home, boolean temporary, String auto, boolean keep, Duration maxUnused) {
        this.home = home;
        this.temporary = temporary;
        this.auto = auto;
        this.kept = keep ? new KeptApps(home, maxUnused) : null;
    }

    /**
     * The run's state: the home named by {@value #HOME_PARAMETER} (kept afterwards), else, when
     * {@value KeptApps#PARAMETER} is {@code true}, {@code junit} in the binary cache (kept), else a
     * new directory under {@code java.io.tmpdir} (deleted when the run ends); and the runtime
     * {@code auto} stands for: the one {@value #RUNTIME_PARAMETER} names, else the core's choice.
     */
    static RunState open(ExtensionContext root) {
        String auto = root.getConfigurationParameter(RUNTIME_PARAMETER).filter(s -> !s.isBlank()).orElse("auto");
        if (!Declaration.isRuntime(auto)) {
            throw new ExtensionConfigurationException(RUNTIME_PARAMETER + "=" + auto
                    + " is not a runtime: use " + Declaration.runtimes());
        }
        String reuse = root.getConfigurationParameter(KeptApps.PARAMETER).map(String::strip).orElse("false");
        if (!reuse.equals("true") && !reuse.equals("false")) {
            throw new ExtensionConfigurationException(KeptApps.PARAMETER + "=" + reuse + " is not a boolean: use"
                    + " true (keep templates and shared servers for later runs) or false (the default)");
        }
        boolean keep = reuse.equals("true");
        Duration maxUnused = keep ? KeptApps.maxUnused(root.getConfigurationParameter(KeptApps.MAX_UNUSED_PARAMETER))
                : null;
        String named = root.getConfigurationParameter(HOME_PARAMETER).filter(s -> !s.isBlank()).orElse(null);
        String configured = named != null ? named : keep ? Addons.defaultCache().resolve("junit").toString() : null;
        try {
            if (configured != null) {
                return new RunState(Files.createDirectories(Path.of(configured)).toAbsolutePath(), false, auto, keep,
                        maxUnused);
            }
            return new RunState(Files.createTempDirectory("addons-junit-").toAbsolutePath(), true, auto, false, null);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the addons home for tests" + (named != null
                    ? " at " + HOME_PARAMETER + "=" + named
                    : configured != null ? " at " + configured + " (the home of " + KeptApps.PARAMETER + "=true;"
                            + " name another with " + HOME_PARAMETER + ")" : ""), e);
        }
    }

    Path home() {
        return home;
    }

    /**
     * The {@link Addons} working on {@code runtime} in this run's home. Its dedicated servers are
     * throwaway ones ({@link Addons.Builder#throwawayServers}): a test's data need not survive a
     * crash of the machine, and they are faster without waiting for the disk. A test run is busy
     * until it ends, so the process runtime is told so ({@value #SHORT_LIVED}): the spare copy of a
     * data template that the run's first server of it took is made after the run, for the next
     * one, rather than while the tests run, and servers are no children of the test JVM.
     */
    Addons addons(String runtime) {
        String chosen = "auto".equals(runtime) ? auto : runtime;
        return byRuntime.computeIfAbsent(chosen, r -> Addons.builder().home(home).runtime(r)
                .runtimeSetting(SHORT_LIVED, "true").automaticBackups(false).throwawayServers(true).build());
    }

    /**
     * A new app name for {@code testClass}: {@code t-<class>-<run>-<n>}, unique in the home even
     * when an earlier run left addons in it.
     */
    String appFor(Class<?> testClass) {
        String slug = slug(testClass);
        String suffix = runId + "-" + apps.incrementAndGet();
        int room = 40 - "t-".length() - "-".length() - suffix.length();
        slug = slug.length() > room ? slug.substring(0, room).replaceAll("-+$", "") : slug;
        return "t-" + (slug.isEmpty() ? "" : slug + "-") + suffix;
    }

    /** {@code type}'s simple name as app names have it: {@code OrdersTest} is {@code orders-test}. */
    static String slug(Class<?> type) {
        return type.getSimpleName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    }

    /**
     * A new set for {@code declaration}, of an app of its own; its SQL addons copied from the
     * template's, if any. When apps are kept across runs, its shared servers are then kept too.
     */
    AddonSet open(Declaration declaration) {
        if (kept != null) {
            kept.removeUnusedOnce(addons(declaration.runtime()));
        }
        String templateApp = templateApp(declaration);
        Addons addons = addons(declaration.runtime());
        AddonSet set = AddonSet.open(addons, appFor(declaration.declaredOn()), declaration, templateApp);
        if (kept != null) {
            for (AddonSpec spec : declaration.specs()) {
                if ("shared".equals(spec.variant()) && !(templateApp != null && Templates.isSql(addons, spec))) {
                    keepServer(addons, spec);
                }
            }
        }
        return set;
    }

    /**
     * Has a kept app hold a tenant on {@code spec}'s shared server, once per run, so that it
     * outlives the run; a failure to is logged, not thrown (the set works without it).
     */
    private void keepServer(Addons addons, AddonSpec spec) {
        Memo<String> memo = keepers.computeIfAbsent(List.of(addons.runtimeName(), spec),
                k -> new Memo<>(() -> kept.keeper(addons, spec)));
        try {
            memo.get();
        } catch (RuntimeException e) {
            LOG.warn("Could not keep the shared {} server for later runs: {}", spec.addon(), e.toString());
        }
    }

    /** The run's set for {@code declaration}, provisioned by the first caller; a failure is kept and rethrown. */
    AddonSet runSet(Declaration declaration) {
        Memo<AddonSet> memo = runSets.computeIfAbsent(declaration.runKey(), k -> new Memo<>(() -> {
            AddonSet set = open(declaration);
            synchronized (opened) {
                opened.add(set);
            }
            return set;
        }));
        return memo.get();
    }

    /**
     * The app whose SQL addons {@code declaration}'s are copied from, provisioned and prepared by
     * the first caller of the run; {@code null} when it names no template.
     */
    private String templateApp(Declaration declaration) {
        if (declaration.template() == null) {
            return null;
        }
        Addons addons = addons(declaration.runtime());
        Declaration template = Templates.check(addons, declaration);
        Memo<String> memo = templates.computeIfAbsent(List.of(template.declaredOn(), template.runKey()),
                k -> new Memo<>(() -> {
                    AddonTemplate preparation = Templates.instantiate(declaration);
                    String app = kept == null ? null : kept.template(addons, template, preparation);
                    if (app != null) {
                        return app;
                    }
                    AddonSet set = open(template);
                    synchronized (opened) {
                        opened.add(set);
                    }
                    Templates.prepare(template, preparation, set);
                    return set.app();
                }));
        return memo.get();
    }

    /**
     * Ends {@code set} at the end of its scope (a class's or a test's). In a home of the run's own,
     * up to {@value #ENDED_KEPT} such sets are only released (connections closed) and go with the
     * home when the run ends, all servers at once ({@link Addons#destroyAll}), rather than each
     * deprovisioned now: a tenant's PostgreSQL {@code DROP DATABASE} costs a checkpoint. Beyond
     * that number, and in a home named by configuration, the set is deprovisioned now.
     */
    void end(AddonSet set) {
        boolean keep;
        synchronized (opened) {
            keep = temporary && !closed.get() && ended.size() < ENDED_KEPT;
            if (keep) {
                ended.add(set);
            }
        }
        // Outside the lock: closing a pool waits for its connections.
        if (keep) {
            set.release();
        } else {
            set.close();
        }
    }

    /**
     * Deprovisions the run's sets, closes the {@link Addons} and deletes a temporary home: there,
     * every set is released and each {@link Addons} destroys all it holds at once.
     */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        AddonException failure = new AddonException("Ending the test run's addons in " + home + " failed");
        List<AddonSet> sets;
        synchronized (opened) {
            sets = new ArrayList<>(opened);
            sets.addAll(ended);
        }
        java.util.Collections.reverse(sets);
        for (AddonSet set : sets) {
            try {
                if (temporary) {
                    set.release();
                } else {
                    set.close();
                }
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
        // The run uses its kept apps no more: a later run may remove them.
        if (kept != null) {
            kept.close();
        }
        if (temporary) {
            byRuntime.values().forEach(addons -> {
                try {
                    addons.destroyAll();
                } catch (RuntimeException e) {
                    failure.addSuppressed(e);
                }
            });
            // Warm servers (runtime setting process.warm) outlive an Addons; a home about to be deleted keeps none.
            byRuntime.values().forEach(addons -> {
                try {
                    addons.removeWarmServers();
                } catch (RuntimeException e) {
                    failure.addSuppressed(e);
                }
            });
        }
        byRuntime.values().forEach(Addons::close);
        if (temporary && failure.getSuppressed().length == 0) {
            delete(home);
        }
        if (failure.getSuppressed().length > 0) {
            throw failure;
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

    /** A value computed once, by the first caller; others wait for it. A failure is kept. */
    static final class Memo<T> {
        private final Supplier<T> supplier;
        private T value;
        private RuntimeException failure;
        private boolean done;

        Memo(Supplier<T> supplier) {
            this.supplier = supplier;
        }

        synchronized T get() {
            if (!done) {
                done = true;
                try {
                    value = supplier.get();
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
            if (failure != null) {
                throw failure;
            }
            return value;
        }
    }
}
