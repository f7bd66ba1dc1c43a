package dev.addons.cli;

import dev.addons.api.StatusListener;
import dev.addons.core.Addons;
import dev.addons.core.RecordedAddons;
import dev.addons.core.runtime.ProgressListener;
import java.nio.file.Path;

/**
 * Opens the {@link Addons} facade the commands work on, and the {@link RecordedAddons} that
 * {@code env} and {@code run} read variables from; the real ones unless a test swaps them.
 */
@FunctionalInterface
interface AddonsFactory {
    /** The facade over {@link Addons#builder()}. */
    AddonsFactory DEFAULT = (home, runtime, listener, progress) -> Addons.builder()
            .home(home)
            .runtime(runtime)
            .listener(listener)
            .progress(progress)
            // A command lives seconds: automatic backups are taken by `addons backups --run-due`.
            .automaticBackups(false)
            .build();

    Addons open(Path home, String runtime, StatusListener listener, ProgressListener progress);

    /** The records of {@code home}, read without a runtime, a Docker-API probe or a reconcile. */
    default RecordedAddons recorded(Path home) {
        return RecordedAddons.open(home);
    }
}
