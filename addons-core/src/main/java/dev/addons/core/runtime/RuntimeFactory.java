package dev.addons.core.runtime;

/**
 * Makes a {@link ServerRuntime} by name, so that a runtime in another module ({@code kubernetes} in
 * {@code dev.addons:addons-kubernetes}) is used as {@code runtime = "kubernetes"} just by being on
 * the class path. Found with {@link java.util.ServiceLoader}: each module lists its factory in
 * {@code META-INF/services/dev.addons.core.runtime.RuntimeFactory}; the built-in {@code process}
 * and {@code container} runtimes come through the same file of addons-core.
 *
 * <p>Implementations have a public no-arg constructor that does no I/O, hold no state and are
 * thread-safe; everything a runtime holds lives in the {@link ServerRuntime} made.
 *
 * @since 0.1.0
 */
public interface RuntimeFactory {

    /** The runtime's name, as in app files and {@code --runtime}, e.g. {@code kubernetes}. */
    String name();

    /**
     * A new runtime for {@code context}'s addons home. May connect to what it runs servers on;
     * throws {@link dev.addons.api.AddonException} saying what to fix when it cannot (no
     * endpoint, a bad setting naming its key and the allowed values).
     */
    ServerRuntime create(RuntimeContext context);
}
