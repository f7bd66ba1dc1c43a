package dev.addons.core;

import dev.addons.api.AddonNotFoundException;
import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.Credentials;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.ProvisioningException;
import dev.addons.api.StatusListener;
import dev.addons.api.Variable;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.BackupCapability;
import dev.addons.api.spi.ConnectionLimitCapability;
import dev.addons.core.internal.AddonState;
import dev.addons.core.internal.BackupArchive;
import dev.addons.core.internal.ReadyWait;
import dev.addons.core.internal.ResolvedSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * One app in one environment of an addons home, as {@link Addons#app(String, String)} gives it:
 * creates, reads, backs up and destroys that app's addons there. A handle only: it holds no
 * resource and needs no closing, and works while the {@code Addons} it came from is open. Its
 * name and environment were checked when it was made. Thread-safe.
 *
 * <pre>{@code
 * App shop = addons.app("shop", "staging");
 * shop.create(AddonSpec.parse("postgresql:shared"));
 * Credentials vars = shop.env();
 * }</pre>
 *
 * @since 0.3
 */
public final class App {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(App.class);

    private final OpenHome home;
    private final String name;
    private final String environment;

    App(OpenHome home, String name, String environment) {
        this.home = home;
        this.name = OpenHome.checkApp(name);
        this.environment = OpenHome.checkEnvironment(environment);
    }

    /** The app's name, e.g. {@code shop}. */
    public String name() {
        return name;
    }

    /** The environment, e.g. {@code production}. */
    public String environment() {
        return environment;
    }

    /**
     * Creates an addon for the app and waits until it is ACTIVE. Returns the existing addon when
     * the app already has this one. Throws {@link InvalidSpecException} before doing anything
     * when the spec is wrong, and {@link ProvisioningException} when provisioning failed (nothing
     * half-made is left; the record stays FAILED with the reason until it is created again or
     * destroyed).
     */
    public AddonRecord create(AddonSpec spec) {
        return home.lifecycle.create(name, environment, resolve(spec), OpenHome.CREATE_TIMEOUT);
    }

    /** {@link #create} without waiting: the future completes when the addon is ACTIVE. Input is checked at once. */
    public CompletableFuture<AddonRecord> createAsync(AddonSpec spec) {
        ResolvedSpec resolved = resolve(spec);
        return CompletableFuture.supplyAsync(
                () -> home.lifecycle.create(name, environment, resolved, OpenHome.CREATE_TIMEOUT), home.executor);
    }

    /** The spec checked; a refusal is heard as a failed create ({@link OperationListener}). */
    private ResolvedSpec resolve(AddonSpec spec) {
        long began = System.nanoTime();
        try {
            ResolvedSpec resolved = home.resolve(spec, home.runtimes.chosen(), "", name, environment);
            OpenHome.refuseTenantName(name, environment, resolved, "");
            return resolved;
        } catch (RuntimeException e) {
            String engine = spec == null ? Operation.UNKNOWN
                    : home.registry.find(spec.addon()).map(p -> p.descriptor().name()).orElse(Operation.UNKNOWN);
            home.operations.failed(Operation.Kind.CREATE, engine, name, environment, began, e);
            throw e;
        }
    }

    /**
     * Creates {@code addon} for the app as a copy of {@code source}'s, on the same shared server,
     * and waits until it is ACTIVE: the copy has the source's data as of now and a login of its
     * own (PostgreSQL: {@code CREATE DATABASE ... TEMPLATE}; the source's open sessions are
     * ended). Meant for tests: a prepared database copied per test. Returns the existing addon
     * when the app already has this one. Throws {@link AddonNotFoundException} when the source
     * has no such addon, {@link InvalidSpecException} when it is not on a shared server,
     * {@link dev.addons.api.UnsupportedOperationAddonException} when the provider cannot copy.
     *
     * @param source an app of the same {@link Addons}
     */
    public AddonRecord createCopy(String addon, App source) {
        Objects.requireNonNull(source, "source == null");
        if (source.home != home) {
            throw new IllegalArgumentException("source " + source + " is an app of another Addons than " + this);
        }
        return home.copies.create(name, environment, addon, source.name, source.environment,
                OpenHome.CREATE_TIMEOUT);
    }

    /**
     * The app's addons (not destroyed ones), by addon name. An active addon whose server is
     * found not running (killed while the {@code Addons} is open) is marked FAILED first, as
     * opening a home does.
     */
    public List<AddonRecord> list() {
        home.reconciler.deadServers(states());
        return states().stream().map(AddonState::record).toList();
    }

    /**
     * One addon of the app, by name or alias, as {@link #list()} has it. Throws
     * {@link AddonNotFoundException} when the app has no such addon.
     */
    public AddonRecord get(String addon) {
        AddonState state = state(addon);
        home.reconciler.deadServers(List.of(state));
        return home.store.addon(state.record().id()).orElse(state).record();
    }

    private List<AddonState> states() {
        return home.store.addons().stream().filter(s -> s.record().app().equals(name)
                && s.record().environment().equals(environment)).toList();
    }

    private AddonState state(String addon) {
        return home.state(name, environment, addon);
    }

    /**
     * The variables of all the app's addons, in addon-name order. A variable two addons both set
     * ({@code DATABASE_URL} of {@code mysql} and {@code postgresql}) keeps the value of the first
     * in that order; the other's own variables ({@code PGHOST}, ...) still say everything about
     * it, and {@link #credentials} gives one addon's complete set. Throws
     * {@link ProvisioningException} naming the addon when one is not ACTIVE (pending, failed...),
     * rather than hand over an incomplete set.
     */
    public Credentials env() {
        return home.recorded.env(name, environment);
    }

    /** The variables of one ACTIVE addon. */
    public Credentials credentials(String addon) {
        return home.recorded.credentials(name, environment, addon);
    }

    /**
     * Deprovisions an addon and deletes its data, after keeping a final backup of it
     * ({@link FinalBackup#TAKE}): see {@link #destroy(String, FinalBackup)}.
     */
    public AddonRecord destroy(String addon) {
        return destroy(addon, FinalBackup.TAKE);
    }

    /**
     * Deprovisions an addon and deletes its data. With {@link FinalBackup#TAKE}, an addon that
     * holds data is first backed up into the home (trigger {@code final}, listed by
     * {@link #backups}, counted by retention), and the destroyed record's message names the file;
     * {@link #restore(AddonSpec, Path)} of it brings the addon back. Writes made after that
     * backup are lost: stop the app first. When the backup cannot be taken (the server is down,
     * the addon is on an external server) nothing is destroyed and a
     * {@link ProvisioningException} says what to do. A backup or restore of the addon under way
     * (in this process or another) is waited for. Throws {@link AddonNotFoundException} when the
     * app has no such addon.
     */
    public AddonRecord destroy(String addon, FinalBackup finalBackup) {
        Objects.requireNonNull(finalBackup, "finalBackup == null");
        Optional<AddonState> state = home.store.find(name, environment,
                home.registry.find(addon).map(p -> p.descriptor().name()).orElse(addon));
        return home.backups.excluding(state.stream().toList(), () -> {
            String kept = "";
            if (finalBackup == FinalBackup.TAKE && state.isPresent()) {
                AddonProvider provider = home.registry.require(state.get().record().addon());
                String none = provider.capability(BackupCapability.class).isPresent() ? "it held no data to keep"
                        : provider.descriptor().name() + " has no backups";
                kept = home.backups.finalBackup(state.get()).map(b -> "its final backup: " + b.file())
                        .orElse("no final backup: " + none);
            }
            AddonRecord destroyed = home.lifecycle.destroy(name, environment, addon);
            return kept.isEmpty() ? destroyed : destroyed.withStatus(destroyed.status(), kept, destroyed.updatedAt());
        });
    }

    /**
     * Restarts an ACTIVE addon's server on its data, or a FAILED one's whose server was found
     * dead (killed behind addons' back), which is then ACTIVE again with the other addons on that
     * server: the process runtime launches the engine again on its directory, the container
     * runtime replaces the container with a new one from the image on the same volume (so an
     * updated image of the same tag is picked up). For a shared addon this restarts the shared
     * server, with every app's database on it. Clients reconnect; the variables stay the same
     * unless the server's port was taken meanwhile. Backups and restores of the server's addons
     * under way are waited for. Throws {@link AddonNotFoundException} or
     * {@link ProvisioningException}.
     */
    public AddonRecord restart(String addon) {
        return home.backups.excluding(onServerOf(addon), () -> home.lifecycle.restart(name, environment, addon));
    }

    /**
     * Stops an addon's dedicated server and keeps its data and port: the addon is
     * {@link dev.addons.api.Status#STOPPED}, {@link #env} still gives its variables, and nothing
     * starts it again ({@link Addons#up} leaves it stopped) but {@link #start}. Stopping a
     * stopped addon does nothing. Refused with {@link InvalidSpecException} for an addon on a
     * shared server, which other apps use. A backup of the addon under way is waited for.
     */
    public AddonRecord stop(String addon) {
        return home.backups.excluding(onServerOf(addon), () -> home.lifecycle.stop(name, environment, addon));
    }

    /** The addons whose backups a restart or stop of this addon's server would cut off: every tenant of it. */
    private List<AddonState> onServerOf(String addon) {
        Optional<AddonState> state = home.store.find(name, environment,
                home.registry.find(addon).map(p -> p.descriptor().name()).orElse(addon));
        if (state.isEmpty() || state.get().serverId() == null) {
            return state.stream().toList();
        }
        return home.store.tenantsOf(state.get().serverId());
    }

    /**
     * Starts a stopped, sleeping or downed addon's server again on its data and returns the
     * addon ACTIVE; its variables stay the same unless another program took its port meanwhile.
     * An ACTIVE addon whose server runs is returned as it is.
     */
    public AddonRecord start(String addon) {
        return home.lifecycle.start(name, environment, addon);
    }

    /**
     * An addon's server history: how often it was started again after going down by itself, and
     * its last crash with the engine's last log lines.
     */
    public ServerHistory history(String addon) {
        return home.lifecycle.history(state(addon));
    }

    /**
     * Checks each of the app's addons, by addon name: whether it is ACTIVE, its server runs and
     * is not stopped (a process stopped by SIGSTOP still holds its port), and its endpoint
     * accepts a connection. Changes nothing; a server found dead is marked FAILED by the next
     * {@link Addons#reconcile()} and brought back by {@link #restart}.
     */
    public List<Health> health() {
        return states().stream().map(home.lifecycle::health).toList();
    }

    /** Waits until the addon is ACTIVE; throws when it fails or the timeout passes. */
    public AddonRecord awaitActive(String addon, Duration timeout) {
        return home.lifecycle.await(state(addon).record().id(), timeout);
    }

    /**
     * Waits until every addon of the app is ACTIVE (or SLEEPING: its first client wakes it),
     * whichever process is creating them, and returns them. Addons {@code pending} or
     * {@code provisioning} are waited for, and so is an app with no addons yet (a deploy about to
     * record them). Throws {@link ProvisioningException} at once, naming the addon and its
     * status, when one is {@code failed}, {@code stopped} or being destroyed, and when
     * {@code timeout} passes, naming those still not active. {@code seen} hears each status an
     * addon is seen in (the first with {@code from == null}), whoever made the change.
     */
    public List<AddonRecord> awaitReady(Duration timeout, StatusListener seen) {
        return home.recorded.awaitReady(name, environment, timeout, seen);
    }

    /**
     * Backs up an ACTIVE addon into the addons home ({@code backups/<app>/<environment>/<addon>/}),
     * counted against its policy's daily limit of manual backups, then applies its retention.
     * The dump is taken while the server keeps serving: nothing committed before the backup began
     * is missing from it. Throws {@link dev.addons.api.UnsupportedOperationAddonException} for an
     * addon without backups (memcached), {@link ProvisioningException} when the limit is reached.
     */
    public BackupInfo backup(String addon) {
        return home.backups.backup(state(addon), BackupInfo.MANUAL, null);
    }

    /**
     * Backs up an ACTIVE addon to {@code output} (replaced if it exists). Such a file is the
     * caller's: it counts against the daily limit but retention never deletes it.
     */
    public BackupInfo backup(String addon, Path output) {
        Objects.requireNonNull(output, "output == null");
        return home.backups.backup(state(addon), BackupInfo.MANUAL, output);
    }

    /**
     * Replaces an ACTIVE addon's data with a backup's, possibly one of another app or environment
     * (a copy of production into staging). The archive's checksum and engine are verified first:
     * a damaged, truncated or foreign archive is refused with
     * {@link dev.addons.api.InvalidBackupException} and nothing is touched. An addon that holds
     * data is only restored over with {@code force}. The provider replaces the data all or
     * nothing. An addon the app does not have is made from the backup, as
     * {@link #restore(AddonSpec, Path)} does.
     */
    public BackupInfo restore(String addon, Path archive, boolean force) {
        Objects.requireNonNull(archive, "archive == null");
        String addonName = home.registry.require(addon).descriptor().name();
        if (home.store.find(name, environment, addonName).isEmpty()) {
            return restore(AddonSpec.of(addonName), archive);
        }
        return home.backups.restore(state(addon), archive, force);
    }

    /**
     * Brings back an addon that does not exist (a destroyed one, from its final backup) or makes
     * a new one from a backup: verifies the archive first (nothing is made when it is damaged or
     * of another engine), creates the addon with {@code spec}'s variant and version, or the
     * backup's where {@code spec} names none, and restores the archive into it. An addon that
     * exists is restored into as {@link #restore(String, Path, boolean)} without {@code force}
     * does.
     */
    public BackupInfo restore(AddonSpec spec, Path archive) {
        Objects.requireNonNull(spec, "spec == null");
        Objects.requireNonNull(archive, "archive == null");
        AddonProvider provider = home.registry.require(spec.addon());
        if (home.store.find(name, environment, provider.descriptor().name()).isEmpty()) {
            BackupArchive.Manifest manifest = home.backups.verifiedManifest(archive, provider, spec.version(),
                    provider.descriptor().name() + " of " + name + "/" + environment);
            AddonSpec made = spec;
            if (spec.variant() == null) {
                made = made.withVariant(manifest.variant());
            }
            if (spec.version() == null) {
                made = made.withVersion(manifest.version());
            }
            LOG.info("{} has no {} in {}: creating it ({}) to restore {} into", name, provider.descriptor().name(), environment,
                    made, archive);
            create(made);
        }
        return home.backups.restore(state(provider.descriptor().name()), archive, false);
    }

    /** The backups the addons home keeps of the app's addons, oldest first. */
    public List<BackupInfo> backups() {
        return home.backups.list(name, environment);
    }

    /** An addon's backup policy ({@link BackupPolicy#DEFAULT} until one is set). */
    public BackupPolicy backupPolicy(String addon) {
        return state(addon).backupPolicy();
    }

    /** Sets an addon's backup policy, and applies its retention at once. */
    public BackupPolicy backupPolicy(String addon, BackupPolicy policy) {
        Objects.requireNonNull(policy, "policy == null");
        AddonState state = state(addon);
        home.store.locked(() -> {
            AddonState latest = home.store.addon(state.record().id()).orElseThrow(() -> new AddonNotFoundException(
                    "App '" + name + "' has no addon '" + addon + "' in " + environment));
            home.store.save(latest.withBackups(policy));
            return null;
        });
        home.backups.applyRetention(state.record(), policy);
        return policy;
    }

    /**
     * The most sessions an addon's app may have open at once on its shared server (see
     * {@link AddonSpec#connections()}; change it by deploying an app file, or creating the addon,
     * with another {@code connections}); empty when it has no limit: a dedicated server's app, or
     * an engine that limits none. Throws {@link AddonNotFoundException} when there is no such addon.
     */
    public OptionalInt connectionLimit(String addon) {
        AddonState state = state(addon);
        AddonProvider provider = home.registry.require(state.record().addon());
        boolean shared = provider.descriptor().variants().stream()
                .anyMatch(v -> v.shared() && v.name().equals(state.record().variant()));
        return shared && provider.capability(ConnectionLimitCapability.class).isPresent()
                ? OptionalInt.of(state.sharedConnections()) : OptionalInt.empty();
    }

    /** When the next automatic backup of an addon is due; empty when its schedule is off. */
    public Optional<Instant> nextAutomaticBackup(String addon) {
        return home.backups.nextDue(state(addon));
    }

    /**
     * Moves an ACTIVE addon to another variant ({@code small} to {@code shared} or back) by
     * backup and restore, swapping the app's variables to the new server only when the copy is
     * verified; until then, and if anything fails, the old one serves unchanged. Writes made
     * during the move make the verification fail: stop writing for it.
     */
    public AddonRecord migrate(String addon, String variant) {
        Objects.requireNonNull(variant, "variant == null");
        return home.migrations.migrate(state(addon), variant);
    }

    /** Whether {@code other} is a handle on the same app and environment, from the same {@link Addons}. */
    @Override
    public boolean equals(Object other) {
        return other instanceof App app && app.home == home && app.name.equals(name)
                && app.environment.equals(environment);
    }

    @Override
    public int hashCode() {
        return Objects.hash(System.identityHashCode(home), name, environment);
    }

    /** {@code App[shop/staging]}. */
    @Override
    public String toString() {
        return "App[" + name + "/" + environment + "]";
    }
}
