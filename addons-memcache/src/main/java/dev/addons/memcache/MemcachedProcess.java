package dev.addons.memcache;

import dev.addons.api.spi.ProcessContext;
import dev.addons.api.spi.ProcessRecipe;
import dev.addons.api.spi.ProcessRecipe.StopSignal;
import java.time.Duration;
import java.util.List;

/**
 * How to run a dedicated memcached from its binary, in the foreground: TCP on the runtime's
 * loopback endpoint only, no UDP ({@code -U 0}: memcached before 1.5.6 listened on UDP 11211 by default,
 * an amplification risk), {@value #MEMORY_MB} MB of item memory (memcached's own default) and at
 * most {@value #CONNECTIONS} connections. There is no {@code -u}: the process runtime runs engines
 * as an unprivileged user, so memcached never sees itself as root. Nothing is written to disk and
 * nothing needs initializing.
 *
 * <p>SIGTERM and SIGINT both stop it cleanly, but only at the next tick of memcached's one-second
 * clock event, which is when its main loop looks at the flag the signal handler set: 0 to 1 s
 * (about 0.7 s measured after a short idle). The {@code shutdown} command (needs {@code -A})
 * raises the same SIGINT, and SIGUSR1's graceful stop waits for the same tick, so no signal or
 * option stops it sooner; only SIGKILL would, which for a cache loses nothing but is not a clean
 * stop. A destroy therefore kills it ({@link StopSignal#KILL}): it holds no file, socket or shared
 * memory outside its process, so nothing is left. Stateless and thread-safe.
 */
final class MemcachedProcess {

    /** Item memory of a {@code small} server, in megabytes. */
    static final int MEMORY_MB = 64;
    /** Simultaneous connections of a {@code small} server. */
    static final int CONNECTIONS = 1024;

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private MemcachedProcess() {
    }

    static ProcessRecipe recipe(String version) {
        return new ProcessRecipe(MemcachedBinaries.forVersion(version), ProcessRecipe.Initializer.NONE,
                MemcachedProcess::command, StopSignal.TERM, STOP_TIMEOUT)
                // A cache keeps nothing anywhere, so a destroy need not wait for that tick.
                .withDestroySignal(StopSignal.KILL);
    }

    static List<String> command(ProcessContext context) {
        return List.of(
                context.binary(MemcachedBinaries.MEMCACHED).toString(),
                "-l", context.endpoint().host(),
                "-p", Integer.toString(context.endpoint().port()),
                "-U", "0",
                "-m", Integer.toString(MEMORY_MB),
                "-c", Integer.toString(CONNECTIONS));
    }
}
