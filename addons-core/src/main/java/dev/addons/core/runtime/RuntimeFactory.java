package dev.addons.core.runtime;

/**
 * Makes a {@link ServerRuntime} by name, so that a runtime in another module ({@code container} in
 * {@code dev.addons:addons-container}, {@code kubernetes} in {@code dev.addons:addons-kubernetes})
 * is used as {@code runtime = "container"} just by being on the class path. Found with
 * {@link java.util.ServiceLoader}: each module lists its factory in
 * {@code META-INF/services/dev.addons.core.runtime.RuntimeFactory}; the built-in {@code process}
 * runtime comes through the same file of addons-core.
 *
 * <p>{@code auto} chooses, as Testcontainers chooses among its Docker client strategies, the
 * runtime of highest {@link #priority()} whose {@link #probe} finds it available, and only when a
 * new server may go to it: commands that only read or remove what exists never probe.
 *
 * <p>Implementations have a public no-arg constructor that does no I/O, hold no state and are
 * thread-safe; everything a runtime holds lives in the {@link ServerRuntime} made.
 *
 * @since 0.1.0
 */
public interface RuntimeFactory {
    /** The {@link #priority()} of a runtime {@code auto} never chooses: it is used only when asked for by name. */
    int NOT_AUTO = -1;

    /** The runtime's name, as in app files and {@code --runtime}, e.g. {@code kubernetes}. */
    String name();

    /**
     * A new runtime for {@code context}'s addons home. May connect to what it runs servers on;
     * throws {@link dev.addons.api.AddonException} saying what to fix when it cannot (no
     * endpoint, a bad setting naming its key and the allowed values).
     */
    ServerRuntime create(RuntimeContext context);

    /**
     * Where {@code auto} ranks this runtime: it tries the runtimes of priority 0 and above, highest
     * first, and takes the first one {@link #probe} finds available. The {@code process} runtime
     * has 0 (it needs nothing but this host, so it is the last resort), the {@code container}
     * runtime 100. By default {@link #NOT_AUTO}: a runtime that needs settings of its own (such as
     * {@code kubernetes}'s namespace) is used only when asked for by name.
     *
     * @since 0.2
     */
    default int priority() {
        return NOT_AUTO;
    }

    /**
     * Whether this runtime can run servers for {@code context}'s home now, for {@code auto}: the
     * runtime made when it can, else why not. Called only for runtimes of priority 0 and above,
     * and only when {@code auto} must choose. Bounded in time (a few seconds at most), it throws
     * nothing for a runtime that is missing here (no endpoint answers): it says why in one line,
     * which {@code auto} logs once at INFO; it throws as {@link #create} does for what the user
     * must fix (a bad setting). By default the runtime is made with {@link #create} and is
     * available: a factory whose runtime may be missing overrides this.
     *
     * @since 0.2
     */
    default RuntimeProbe probe(RuntimeContext context) {
        return RuntimeProbe.available(create(context), "the " + name() + " runtime");
    }
}
