package dev.addons.micrometer;

import dev.addons.api.Status;
import dev.addons.core.Addons;
import dev.addons.core.Operation;
import dev.addons.core.Subscription;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Micrometer metrics of one {@link Addons}: its creates, destroys, backups and restores timed
 * and counted, and its home's addons counted by status and by health.
 *
 * <pre>{@code
 * AddonsMetrics metrics = new AddonsMetrics(addons);
 * metrics.bindTo(registry);   // or declare it as a bean: Spring Boot binds every MeterBinder
 * ...
 * metrics.close();            // before addons.close()
 * }</pre>
 *
 * <p>Meters:
 * <ul>
 * <li>{@code addons.create}, {@code addons.destroy}, {@code addons.backup}, {@code addons.restore}:
 *     timers of the operations the instance runs (which are heard: {@link dev.addons.core.OperationListener}),
 *     tagged {@code engine} (the provider's name, e.g. {@code postgresql}, or {@code unknown}),
 *     {@code outcome} ({@code success} or {@code failure}) and {@code exception} (the failure's
 *     simple class name, {@code none} on success); with {@link Builder#appTags(boolean)} also
 *     {@code app} and {@code environment}.</li>
 * <li>{@code addons.addons}: gauges of how many addons of the home are in each status, tagged
 *     {@code engine} and {@code status} ({@code pending}, {@code active}, {@code failed}, ...),
 *     one per provider found and status.</li>
 * <li>{@code addons.health}: gauges of how many addons of the home pass their health check
 *     ({@code state=up}: active, server running and accepting connections) or should serve and
 *     do not ({@code state=down}: active but not serving, or failed), tagged {@code engine}.</li>
 * </ul>
 * Tags never name an addon or a server: a home may hold thousands, and each tag value makes a
 * time series. Engines are a handful; apps and environments may be many, so their tags are off
 * unless asked for.
 *
 * <p>The gauges read the home (the status of every addon, a server found dead marked failed, a
 * health check of each) at most once per {@link Builder#refresh(Duration) refresh} interval,
 * when the registry reads them, and at once after a status change this instance made. They see
 * the addons of every app and of other processes on the home; the timers see this instance's
 * operations only.
 *
 * <p>Thread-safe. {@link #close()} stops hearing the instance and removes the meters it
 * registered; close it before the {@code Addons}.
 */
public final class AddonsMetrics implements MeterBinder, AutoCloseable {
    /** How long gauges' reading of the home is reused by default. */
    public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(10);

    private final Addons addons;
    private final boolean appTags;
    private final HomeSnapshot snapshot;
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final List<Registered> registered = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Metrics of {@code addons} with the default tags (no app or environment) and refresh interval. */
    public AddonsMetrics(Addons addons) {
        this(builder(addons));
    }

    private AddonsMetrics(Builder builder) {
        this.addons = builder.addons;
        this.appTags = builder.appTags;
        this.snapshot = new HomeSnapshot(addons, builder.refresh);
    }

    /** A builder of metrics of {@code addons}, to choose the tags and the refresh interval. */
    public static Builder builder(Addons addons) {
        return new Builder(addons);
    }

    /**
     * Registers the meters in {@code registry} and starts timing the operations into it. May be
     * called for several registries.
     *
     * @throws IllegalStateException when this is closed
     */
    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry == null");
        if (closed.get()) {
            throw new IllegalStateException("these AddonsMetrics are closed");
        }
        List<Meter> meters = new ArrayList<>();
        for (String engine : engines()) {
            for (Status status : Status.values()) {
                if (status == Status.DESTROYED) {
                    continue; // A destroyed addon's record is gone: there is never one to count.
                }
                meters.add(Gauge.builder("addons.addons", snapshot, s -> s.read().count(engine, status))
                        .description("Addons of the home in this status")
                        .tags("engine", engine, "status", status.name().toLowerCase(Locale.ROOT))
                        .strongReference(true)
                        .register(registry));
            }
            meters.add(Gauge.builder("addons.health", snapshot, s -> s.read().up(engine))
                    .description("Addons of the home whose health check passes")
                    .tags("engine", engine, "state", "up").strongReference(true).register(registry));
            meters.add(Gauge.builder("addons.health", snapshot, s -> s.read().down(engine))
                    .description("Addons of the home that should serve (active or failed) and do not")
                    .tags("engine", engine, "state", "down").strongReference(true).register(registry));
        }
        registered.add(new Registered(registry, meters));
        subscriptions.add(addons.onTransition((record, from) -> snapshot.invalidate()));
        subscriptions.add(addons.onOperation(operation -> timer(registry, operation).record(operation.duration())));
    }

    private List<String> engines() {
        return addons.providers().all().stream().map(p -> p.descriptor().name()).sorted().toList();
    }

    private Timer timer(MeterRegistry registry, Operation operation) {
        Tags tags = Tags.of("engine", operation.addon(),
                "outcome", operation.succeeded() ? "success" : "failure",
                "exception", operation.failure().map(f -> f.getClass().getSimpleName()).orElse("none"));
        if (appTags) {
            tags = tags.and("app", operation.app(), "environment", operation.environment());
        }
        String kind = operation.kind().name().toLowerCase(Locale.ROOT);
        return Timer.builder("addons." + kind).description("How long the " + kind + "s of addons took")
                .tags(tags).register(registry);
    }

    /**
     * Stops hearing the {@code Addons} and removes the gauges from the registries they were
     * bound to (the timers stay: what they counted is history). Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        RuntimeException failure = null;
        for (int i = subscriptions.size() - 1; i >= 0; i--) {
            try {
                subscriptions.get(i).close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        for (Registered bound : registered) {
            bound.meters.forEach(bound.registry::remove);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private record Registered(MeterRegistry registry, List<Meter> meters) {
    }

    /** Configures {@link AddonsMetrics}. Not thread-safe. */
    public static final class Builder {
        private final Addons addons;
        private boolean appTags;
        private Duration refresh = DEFAULT_REFRESH;

        private Builder(Addons addons) {
            this.addons = Objects.requireNonNull(addons, "addons == null");
        }

        /**
         * Whether the timers are tagged {@code app} and {@code environment} too (default: no).
         * Each app and environment then makes time series of its own: turn it on for a home with
         * a bounded number of them, never for one that makes an environment per branch or test.
         */
        public Builder appTags(boolean enabled) {
            this.appTags = enabled;
            return this;
        }

        /**
         * How long the gauges reuse one reading of the home (default {@link #DEFAULT_REFRESH});
         * zero reads it on every gauge read. A status change this instance makes is seen at once
         * either way; a server that dies is seen within this interval.
         */
        public Builder refresh(Duration refresh) {
            Objects.requireNonNull(refresh, "refresh == null");
            if (refresh.isNegative()) {
                throw new IllegalArgumentException("refresh is negative: " + refresh + "; allowed: zero or more");
            }
            this.refresh = refresh;
            return this;
        }

        /** The metrics; bind them to a registry. */
        public AddonsMetrics build() {
            return new AddonsMetrics(this);
        }
    }
}
