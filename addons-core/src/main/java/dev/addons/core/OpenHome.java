package dev.addons.core;

import dev.addons.api.AddonNotFoundException;
import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.Status;
import dev.addons.api.spi.ServerRequest;
import dev.addons.core.internal.AddonLifecycle;
import dev.addons.core.internal.AddonState;
import dev.addons.core.internal.Backups;
import dev.addons.core.internal.ExternalServers;
import dev.addons.core.internal.Listeners;
import dev.addons.core.internal.Migrations;
import dev.addons.core.internal.Names;
import dev.addons.core.internal.Operations;
import dev.addons.core.internal.ProviderRegistry;
import dev.addons.core.internal.Reconciler;
import dev.addons.core.internal.ResolvedSpec;
import dev.addons.core.internal.Runtimes;
import dev.addons.core.internal.Servers;
import dev.addons.core.internal.StateStore;
import dev.addons.core.internal.TenantCopies;
import dev.addons.core.runtime.ProgressListener;
import dev.addons.core.runtime.ServerRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * An addons home as one {@link Addons} opened it: its state, providers and runtimes, and the
 * parts working on them, shared by that {@code Addons}, its {@link App} handles and its
 * {@link Deployment}. Also what they check input with and resolve specs by. Thread-safe.
 */
final class OpenHome {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OpenHome.class);
    /** How long a create waits for its addon to be ACTIVE. */
    static final Duration CREATE_TIMEOUT = Duration.ofMinutes(10);

    final Path home;
    final ProviderRegistry registry;
    final Runtimes runtimes;
    final StateStore store;
    final Listeners listeners;
    final Operations operations;
    final Servers servers;
    final AddonLifecycle lifecycle;
    final Backups backups;
    final Migrations migrations;
    final TenantCopies copies;
    final ExternalServers externals;
    /** The one way the records are made to agree with reality. */
    final Reconciler reconciler;
    final ProgressListener progress;
    final ExecutorService executor;
    /** The records' reads (variables, waits) that need no runtime, shared with {@link Environment}. */
    final RecordedAddons recorded;

    OpenHome(Path home, ProviderRegistry registry, Runtimes runtimes, StateStore store, Listeners listeners,
            Operations operations, Servers servers, AddonLifecycle lifecycle, Backups backups, Migrations migrations,
            TenantCopies copies, ExternalServers externals, Reconciler reconciler, ProgressListener progress,
            ExecutorService executor) {
        this.home = home;
        this.registry = registry;
        this.runtimes = runtimes;
        this.store = store;
        this.listeners = listeners;
        this.operations = operations;
        this.servers = servers;
        this.lifecycle = lifecycle;
        this.backups = backups;
        this.migrations = migrations;
        this.copies = copies;
        this.externals = externals;
        this.reconciler = reconciler;
        this.progress = progress;
        this.executor = executor;
        this.recorded = new RecordedAddons(home, store, registry);
    }

    static String checkApp(String app) {
        return Names.app("app name", app);
    }

    /** The environment named, {@link Addons#DEFAULT_ENVIRONMENT} for {@code null}. */
    static String checkEnvironment(String environment) {
        return Names.environment("environment", environment == null ? Addons.DEFAULT_ENVIRONMENT : environment);
    }

    /** The app's addon, by name or alias; throws {@link AddonNotFoundException} when it has none. */
    AddonState state(String app, String environment, String addon) {
        String name = registry.require(addon).descriptor().name();
        return store.find(app, environment, name).orElseThrow(() -> new AddonNotFoundException(
                "App '" + app + "' has no addon '" + name + "' in " + environment));
    }

    /** Refuses an app whose tenant name the engine keeps for itself, before anything is made. */
    static void refuseTenantName(String app, String environment, ResolvedSpec spec, String where) {
        String tenant = Names.tenant(app, environment);
        spec.provider().tenantNameProblem(tenant).ifPresent(problem -> {
            throw new InvalidSpecException(where + "app '" + app + "' in " + environment + " cannot have a "
                    + spec.provider().descriptor().name() + " addon: its database and user would be named '" + tenant + "', "
                    + problem
                    + ". Give the app another name");
        });
    }

    /**
     * Checks {@code spec} for the app's addon. No version asked of an addon the app has means
     * the version it has, on its runtime: a default that differs now (another runtime, another
     * host) never refuses or changes an existing addon.
     */
    ResolvedSpec resolve(AddonSpec spec, ServerRuntime runtime, String where, String app, String environment) {
        Objects.requireNonNull(spec, "spec == null");
        Names.addon(where + "addon", spec.addon());
        if (spec.server() != null) {
            return externals.resolve(spec, runtime, where);
        }
        if (spec.versionIfSet().isEmpty()) {
            Optional<AddonRecord> existing = store.find(app, environment, registry.require(spec.addon()).descriptor().name())
                    .map(AddonState::record)
                    .filter(r -> r.status() != Status.DESTROYED && !r.runtime().equals(ExternalServers.RUNTIME));
            if (existing.isPresent()) {
                return ResolvedSpec.resolve(spec.withVersion(existing.get().version()), registry,
                        runtimeOf(existing.get(), runtime), where);
            }
        }
        ResolvedSpec resolved = ResolvedSpec.resolve(spec, registry, runtime, where);
        if (AddonSpec.isImageReference(resolved.version())) {
            // A custom image is had (or refused as a name no registry has) before anything is recorded.
            runtime.obtain(resolved.provider().server(
                    ServerRequest.builder(resolved.version()).adminPassword("unused").build()),
                    resolved.provider().descriptor().name() + " (" + app + "/" + environment + ")", progress);
        }
        return resolved;
    }

    /** The runtime an addon was made on, or {@code otherwise} when it cannot be had here. */
    private ServerRuntime runtimeOf(AddonRecord record, ServerRuntime otherwise) {
        if (record.runtime().equals(otherwise.name())) {
            return otherwise;
        }
        try {
            return runtimes.get(record.runtime());
        } catch (dev.addons.api.AddonException e) {
            LOG.debug("{} - its {} runtime cannot be had here: {}", record.id(), record.runtime(), e.getMessage());
            return otherwise;
        }
    }
}
