package dev.addons.core;

import dev.addons.api.AddonException;
import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.ProvisioningException;
import dev.addons.core.internal.CrashPoints;
import dev.addons.core.internal.ResolvedSpec;
import dev.addons.core.internal.Runtimes;
import dev.addons.core.runtime.ServerRuntime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Makes an environment's addons match an app file, for {@link Addons#deploy}: checks every
 * declared addon, provisions the missing ones in parallel, sets the declared backup policies,
 * then deals with the addons the file no longer declares as {@link Removals} says. Thread-safe.
 */
final class Deployment {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Deployment.class);

    private final OpenHome home;

    Deployment(OpenHome home) {
        this.home = home;
    }

    DeployResult deploy(AppFile file, String environment, Removals removals) {
        Objects.requireNonNull(file, "file == null");
        Objects.requireNonNull(removals, "removals == null");
        App app = new App(home, file.name(), environment);
        Map<String, ResolvedSpec> wanted = check(file, app);
        List<AddonRecord> active = provision(app, wanted.values());
        file.backups().forEach((addon, policy) -> app.backupPolicy(home.registry.require(addon).descriptor().name(), policy));
        CrashPoints.reach("deploy.provisioned");
        List<AddonRecord> destroyed = new ArrayList<>();
        List<AddonRecord> kept = new ArrayList<>();
        for (AddonRecord record : app.list()) {
            if (wanted.containsKey(record.addon())) {
                continue;
            }
            if (removals == Removals.KEEP_DATA
                    && home.backups.holdsData(home.state(record.app(), record.environment(), record.addon()))) {
                LOG.info("{} - no longer declared by {}, but it holds data: kept (prune to remove it)", record.id(),
                        file.name());
                kept.add(record);
                continue;
            }
            destroyed.add(app.destroy(record.addon(),
                    removals == Removals.PRUNE_WITHOUT_BACKUP ? FinalBackup.SKIP : FinalBackup.TAKE));
        }
        return new DeployResult(app.name(), app.environment(), active, destroyed, kept);
    }

    /** Every declared addon resolved, by provider name; nothing is provisioned if one is wrong. */
    private Map<String, ResolvedSpec> check(AppFile file, App app) {
        ServerRuntime runtime = file.runtime() == null ? home.runtimes.chosen() : fileRuntime(file);
        Map<String, ResolvedSpec> wanted = new LinkedHashMap<>();
        for (Map.Entry<String, AddonSpec> entry : file.addons().entrySet()) {
            String where = "addons." + entry.getKey() + ": ";
            ResolvedSpec spec = home.resolve(entry.getValue(), runtime, where, app.name(), app.environment());
            OpenHome.refuseTenantName(app.name(), app.environment(), spec, where);
            if (wanted.put(spec.provider().descriptor().name(), spec) != null) {
                throw new InvalidSpecException(where + spec.provider().descriptor().name()
                        + " is declared twice (once by an alias)");
            }
        }
        return wanted;
    }

    /** Creates the addons in parallel and waits for them all; one failure fails the deploy, naming each. */
    private List<AddonRecord> provision(App app, java.util.Collection<ResolvedSpec> specs) {
        List<CompletableFuture<AddonRecord>> futures = new ArrayList<>();
        for (ResolvedSpec spec : specs) {
            futures.add(CompletableFuture.supplyAsync(() -> home.lifecycle.create(app.name(), app.environment(), spec,
                    OpenHome.CREATE_TIMEOUT), home.executor));
        }
        List<AddonRecord> active = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (CompletableFuture<AddonRecord> future : futures) {
            try {
                active.add(future.join());
            } catch (CompletionException e) {
                failures.add(e.getCause());
            }
        }
        if (!failures.isEmpty()) {
            ProvisioningException failure = new ProvisioningException("Deploy of " + app.name() + "/"
                    + app.environment() + " failed: " + String.join("; ",
                            failures.stream().map(Throwable::getMessage).toList()), failures.get(0));
            failures.subList(1, failures.size()).forEach(failure::addSuppressed);
            throw failure;
        }
        return active;
    }

    private ServerRuntime fileRuntime(AppFile file) {
        try {
            return home.runtimes.get(Runtimes.check(file.runtime()));
        } catch (InvalidSpecException e) {
            throw e; // It names the runtime, e.g. runtime 'kubernetes' is not available.
        } catch (AddonException e) {
            throw new InvalidSpecException("runtime = \"" + file.runtime() + "\" cannot be used here: "
                    + e.getMessage(), e);
        }
    }
}
