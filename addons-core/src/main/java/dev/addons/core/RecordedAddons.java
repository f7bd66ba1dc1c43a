package dev.addons.core;

import dev.addons.api.AddonNotFoundException;
import dev.addons.api.AddonRecord;
import dev.addons.api.Credentials;
import dev.addons.api.ProvisioningException;
import dev.addons.api.Status;
import dev.addons.api.StatusListener;
import dev.addons.api.Variable;
import dev.addons.api.spi.Binding;
import dev.addons.core.internal.AddonState;
import dev.addons.core.internal.Names;
import dev.addons.core.internal.ProviderRegistry;
import dev.addons.core.internal.ReadyWait;
import dev.addons.core.internal.ServerState;
import dev.addons.core.internal.StateStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The addons an addons home records, read from its state files alone: the cheap way to an app's
 * variables, which {@link Environment#current()}, {@code addons env} and {@code addons run} take.
 * Opening one makes no runtime (no Docker-API probe), reconciles nothing, and starts, stops and
 * removes nothing; {@link Addons} does the same reads with the same results. What is read is what
 * was recorded: an addon whose server died since the home was last opened by {@link Addons} is
 * still {@code active} here ({@link App#list} and {@link App#health} notice that).
 * Thread-safe; holds nothing to close.
 *
 * @since 0.3
 */
public final class RecordedAddons {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RecordedAddons.class);

    private final Path home;
    private final StateStore store;
    private final ProviderRegistry registry;

    RecordedAddons(Path home, StateStore store, ProviderRegistry registry) {
        this.home = home;
        this.store = store;
        this.registry = registry;
    }

    /**
     * The records of {@code home}, with the providers on addons-core's class path. Throws
     * {@link StateFormatException} for a home a newer addons wrote, and
     * {@link dev.addons.api.AddonException} for one that is not this user's alone.
     */
    public static RecordedAddons open(Path home) {
        return open(home, RecordedAddons.class.getClassLoader());
    }

    /** The records of {@code home}, with the providers {@code classLoader} finds. */
    public static RecordedAddons open(Path home, ClassLoader classLoader) {
        Objects.requireNonNull(home, "home == null");
        Objects.requireNonNull(classLoader, "classLoader == null");
        Path absolute = home.toAbsolutePath().normalize();
        StateStore store = new StateStore(absolute);
        store.requireReadable();
        return new RecordedAddons(absolute, store, ProviderRegistry.describing(classLoader));
    }

    /** The addons home read. */
    public Path home() {
        return home;
    }

    /** The app's addons in an environment, as recorded, by addon name. */
    public List<AddonRecord> list(String app, String environment) {
        String checkedApp = checkApp(app);
        String checkedEnvironment = checkEnvironment(environment);
        return store.addons().stream().map(AddonState::record)
                .filter(r -> r.app().equals(checkedApp) && r.environment().equals(checkedEnvironment))
                .toList();
    }

    /** What {@link App#env} gives: the variables of all the app's addons in an environment. */
    public Credentials env(String app, String environment) {
        String checkedApp = checkApp(app);
        String checkedEnvironment = checkEnvironment(environment);
        Map<String, String> setBy = new LinkedHashMap<>();
        List<Variable> all = new ArrayList<>();
        for (AddonState state : store.addons()) {
            AddonRecord r = state.record();
            if (r.app().equals(checkedApp) && r.environment().equals(checkedEnvironment)) {
                for (Variable variable : credentials(state).variables()) {
                    String first = setBy.putIfAbsent(variable.name(), r.addon());
                    if (first == null) {
                        all.add(variable);
                    } else {
                        LOG.debug("{}/{} - {} of {} is shadowed by {}'s", checkedApp, checkedEnvironment,
                                variable.name(), r.addon(), first);
                    }
                }
            }
        }
        return new Credentials(all);
    }

    /** What {@link App#credentials} gives: the variables of one addon, with its service binding. */
    public Credentials credentials(String app, String environment, String addon) {
        String name = registry.require(addon).descriptor().name();
        AddonState state = store.find(checkApp(app), checkEnvironment(environment), name).orElseThrow(() ->
                new AddonNotFoundException("App '" + app + "' has no addon '" + name + "' in " + environment));
        return credentials(state);
    }

    /** What {@link App#awaitReady} does: waits until every addon of the app is ready, reading the records. */
    public List<AddonRecord> awaitReady(String app, String environment, Duration timeout, StatusListener seen) {
        Objects.requireNonNull(timeout, "timeout == null");
        Objects.requireNonNull(seen, "seen == null");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout < 0: " + timeout);
        }
        return ReadyWait.await(store, checkApp(app), checkEnvironment(environment), timeout, seen);
    }

    /**
     * The variables of an ACTIVE addon, or of a STOPPED or SLEEPING one (they do not change while
     * its server is down on purpose), from its binding and its server's recorded endpoint.
     */
    Credentials credentials(AddonState state) {
        AddonRecord record = state.record();
        Status status = record.status();
        if (status != Status.ACTIVE && status != Status.STOPPED && status != Status.SLEEPING) {
            throw new ProvisioningException(record.addon() + " of " + record.app() + "/" + record.environment()
                    + " is " + status.name().toLowerCase(Locale.ROOT)
                    + (record.message().isEmpty() ? "" : ": " + record.message()));
        }
        ServerState server = store.server(state.serverId()).orElseThrow(() ->
                new ProvisioningException("Server " + state.serverId() + " is not recorded in this addons home"));
        if (server.running() == null) {
            throw new ProvisioningException("Server " + server.serverId() + " has not finished starting");
        }
        return registry.require(record.addon()).credentials(new Binding(state.binding()), server.running().endpoint());
    }

    static String checkApp(String app) {
        return Names.app("app name", app);
    }

    static String checkEnvironment(String environment) {
        return Names.environment("environment", environment == null ? Addons.DEFAULT_ENVIRONMENT : environment);
    }

    @Override
    public String toString() {
        return "RecordedAddons[" + home + "]";
    }
}
