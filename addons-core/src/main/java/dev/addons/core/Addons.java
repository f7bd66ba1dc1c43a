package dev.addons.core;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.Credentials;
import dev.addons.api.StatusListener;
import dev.addons.api.Variant;
import dev.addons.core.runtime.ProgressListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The entry point: creates, lists, reads and destroys an app's addons in an addons home.
 * Thread-safe; several {@code Addons} (in this or other processes) may share one home.
 * Servers keep running after {@link #close()}; only destroy stops them.
 */
public final class Addons implements AutoCloseable {
    /** The environment used when none is named. */
    public static final String DEFAULT_ENVIRONMENT = "production";

    /** A builder with defaults from {@code ADDONS_HOME} (else {@code ~/.addons}). */
    public static Builder builder() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The addons home this instance works in. */
    public Path home() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The runtime new servers start on ({@code process}, ...), and why it was chosen. */
    public String runtimeName() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Every addon that can be created, with versions and their availability on the runtime. */
    public List<AddonInfo> available() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** One addon by name or alias; throws {@link dev.addons.api.AddonNotFoundException}. */
    public AddonInfo info(String addon) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The variants of an addon; throws {@link dev.addons.api.AddonNotFoundException}. */
    public List<Variant> variants(String addon) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * Creates an addon for an app in an environment and waits until it is ACTIVE. Returns the
     * existing addon when the app already has this one. Throws
     * {@link dev.addons.api.InvalidSpecException} before doing anything when the spec is wrong,
     * {@link dev.addons.api.ProvisioningException} when provisioning failed (nothing is left).
     */
    public AddonRecord create(String app, String environment, AddonSpec spec) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** {@link #create} without waiting: the future completes when the addon is ACTIVE. */
    public CompletableFuture<AddonRecord> createAsync(String app, String environment, AddonSpec spec) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The app's addons in an environment (not destroyed ones), by addon name. */
    public List<AddonRecord> list(String app, String environment) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Every addon in this home. */
    public List<AddonRecord> listAll() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The variables of all the app's ACTIVE addons in an environment, in addon-name order. */
    public Credentials env(String app, String environment) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The variables of one ACTIVE addon. */
    public Credentials credentials(String app, String environment, String addon) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * Deprovisions an addon and deletes its data. Throws
     * {@link dev.addons.api.AddonNotFoundException} when the app has no such addon.
     */
    public AddonRecord destroy(String app, String environment, String addon) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * Makes an environment's addons match an app file: validates every declared addon first, then
     * provisions the missing ones in parallel and waits until all are ACTIVE, and deprovisions
     * addons no longer declared.
     */
    public DeployResult deploy(AppFile file, String environment) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Waits until the addon is ACTIVE; throws when it fails or the timeout passes. */
    public AddonRecord awaitActive(String app, String environment, String addon, Duration timeout) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Adds a listener for status transitions made by this instance; close the result to remove it. */
    public AutoCloseable onTransition(StatusListener listener) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Configures an {@link Addons}. */
    public static final class Builder {
        /** The addons home: state, server data and caches live under it. */
        public Builder home(Path home) {
            throw new UnsupportedOperationException("not implemented yet");
        }

        /** {@code process}, or {@code auto} (the default). */
        public Builder runtime(String runtime) {
            throw new UnsupportedOperationException("not implemented yet");
        }

        /** Hears every status transition made by the built instance. */
        public Builder listener(StatusListener listener) {
            throw new UnsupportedOperationException("not implemented yet");
        }

        /** Hears downloads and start steps. */
        public Builder progress(ProgressListener progress) {
            throw new UnsupportedOperationException("not implemented yet");
        }

        /** The class loader providers are found with (default: this class's). */
        public Builder classLoader(ClassLoader classLoader) {
            throw new UnsupportedOperationException("not implemented yet");
        }

        public Addons build() {
            throw new UnsupportedOperationException("not implemented yet");
        }
    }
}
