package dev.addons.cli;

import dev.addons.api.StatusListener;
import dev.addons.core.Addons;
import dev.addons.core.runtime.ProgressListener;
import java.nio.file.Path;

/** Opens the {@link Addons} facade the commands work on; the real one unless a test swaps it. */
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
}
